import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import type { RangeOutcome } from '../../shared/recovery/outcome.ts';
import { inRange } from '../../shared/recovery/sequence-numbers.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { describeShards } from '../../shared/stream/describe-shards.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { addDays, dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { leftoverProcesses, runBinary } from '../support/binary.ts';
import { dropTables, localStackEnv, testClients, testConfig } from '../support/local.ts';
import { onFailureRange } from '../support/on-failure.ts';
import { tempDirForTest } from '../support/temp-dir.ts';

const TZ = 'UTC';
const today = reportDayOf(Date.now(), TZ);
const EVENT_DAY = addDays(today, -2);
const BEFORE_ANY_SHARD = '0'.repeat(21);

let clients: Clients;
let config: DigestConfig;
let store: SummaryStore;
let env: NodeJS.ProcessEnv;
let streamArn: string;
let shardId: string;
/** Sequence numbers of the range's two FAILED writes and the SUCCESS write between them. */
let seq: { first: string; success: string; last: string };

// With the records the local stack's on-failure file has; replay reads the stream instead.
const range = (startSequenceNumber: string, endSequenceNumber: string, batchSize: number, arrived: string) => ({
  ...onFailureRange({ streamArn, shardId, startSequenceNumber, endSequenceNumber, batchSize }, arrived),
  records: [],
});
const inStream = () => range(seq.first, seq.last, 2, new Date().toISOString());
const trimmed = (day: string) => range(BEFORE_ANY_SHARD, BEFORE_ANY_SHARD, 4, `${day}T12:00:00Z`);
const outcomes = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as RangeOutcome);

beforeAll(async () => {
  clients = testClients();
  config = testConfig({ REPORT_TZ: TZ });
  streamArn = (await ensureLocalTables(clients.dynamodb, config)).streamArn;
  store = new SummaryStore(clients.doc, config.summaryTable, config.retentionDays);
  env = localStackEnv(config, { REPORT_TZ: TZ });
  // Written, never captured (no consumer runs here): what a dropped range leaves in the stream.
  const start = dayWindow(EVENT_DAY, TZ).start_ms;
  // The fourth comes after the range: reading back stops at its end.
  for (const [pk, status] of [['etl-orders#run-1', 'FAILED'], ['etl-orders#run-2', 'SUCCESS'], ['etl-orders#run-3', 'FAILED'], ['etl-orders#run-4', 'FAILED']] as const) {
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: config.executionTable, Item: { pk: { S: pk }, status: { S: status }, event_ts: { N: String(start + 60_000) } } }),
    );
  }
  shardId = (await describeShards(clients.streams, streamArn))[0]!.ShardId!;
  const it = await clients.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const page = await clients.streams.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
  const [first, success, last] = (page.Records ?? []).map((r) => r.dynamodb!.SequenceNumber!);
  seq = { first: first!, success: success!, last: last! };
});

afterEach(async () => {
  expect(await leftoverProcesses()).toEqual([]);
});

afterAll(async () => {
  await dropTables(clients, config);
  destroyClients(clients);
});

describe('failure-digest replay', () => {
  it('recovers a range still in the stream and marks the days of one that is not, one JSON line each', async () => {
    const dir = await tempDirForTest('fd-replay-');
    const file = join(dir, 'on-failure.jsonl');
    const lostDay = addDays(today, -5);
    await writeFile(file, `${JSON.stringify(inStream())}\n${JSON.stringify(trimmed(lostDay))}\n`);

    // The range spans the SUCCESS write too, which the mapping's filter kept out of its batch of 2.
    expect(inRange(seq.success, seq.first, seq.last)).toBe(true);
    const run = await runBinary(['replay', file], { env });
    expect(run.code, run.stderr).toBe(0);
    const [recovered, lost] = outcomes(run.stdout);
    expect(recovered).toMatchObject({ shardId, startSequenceNumber: seq.first, endSequenceNumber: seq.last, status: 'recovered', recovered: 2, filed: 0, skipped: 0, missing: 0, daysMarked: [] });
    const reason = `4 records dropped on shard ${shardId} at ${lostDay}T12:00:00Z (RetryAttemptsExhausted) could not be read back: trimmed from the stream`;
    expect(lost).toMatchObject({ status: 'lost', recovered: 0, missing: 4, daysMarked: [addDays(lostDay, -1), lostDay], reason });
    expect(run.stderr.trim().split('\n')).toEqual([
      `2 of 2 records read back from shard ${shardId}; 2 captured`,
      `0 of 4 records read back from shard ${shardId}; 0 captured; days ${addDays(lostDay, -1)}, ${lostDay} marked incomplete: ${reason}`,
    ]);

    expect((await store.readDay(TZ, EVENT_DAY)).map((e) => e.pk).sort()).toEqual(['etl-orders#run-1', 'etl-orders#run-3']);
    expect(await store.getDayState(TZ, EVENT_DAY)).toBeUndefined();
    expect(await store.getDayState(TZ, lostDay)).toEqual({ incomplete: true, reason, incompleteMs: expect.any(Number) });
  });

  it('reads an SQS message body from standard input, and replaying again writes the same items', async () => {
    const run = await runBinary(['replay', '-'], { env, onSpawn: (child) => child.stdin?.end(JSON.stringify(inStream(), null, 2)) });
    expect(run.code, run.stderr).toBe(0);
    expect(outcomes(run.stdout)).toMatchObject([{ status: 'recovered', recovered: 2, missing: 0 }]);
    expect(await store.readDay(TZ, EVENT_DAY)).toHaveLength(2);
  });

  it('refuses malformed input with exit 2 and one line naming the line, before replaying anything', async () => {
    const dir = await tempDirForTest('fd-replay-');
    const file = join(dir, 'on-failure.jsonl');
    const untouchedDay = addDays(today, -9);
    const bad = { ...inStream(), DDBStreamBatchInfo: { ...inStream().DDBStreamBatchInfo, batchSize: 'two' } };
    await writeFile(file, `${JSON.stringify(trimmed(untouchedDay))}\n${JSON.stringify(bad)}\n`);

    const run = await runBinary(['replay', file], { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`failure-digest: ${file} line 2: DDBStreamBatchInfo.batchSize: expected a number of records, got "two"\n`);
    expect(await store.getDayState(TZ, untouchedDay)).toBeUndefined();
  });
});

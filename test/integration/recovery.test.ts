import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { STREAM_MAPPING } from '../../shared/capture/stream-mapping.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { buildDigest } from '../../shared/digest/run-digest.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { addDays, dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { sqsMessage } from '../../infra/local/on-failure-destination.ts';
import { lambdaContext } from '../../infra/local/stream-invoke.ts';
import type { OnFailureRecord } from '../../infra/local/stream-poller.ts';
import { failEntryWrites, type EntryWriteFault } from '../support/entry-write-fault.ts';
import { dropTables, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';

const TZ = 'Asia/Kathmandu';
// Days before today, so every event_ts is plausible whatever the date.
const today = reportDayOf(Date.now(), TZ);
const EVENT_DAY = addDays(today, -2);
/** Tries the mapping makes of a record before it gives up on it. */
const MAPPING_TRIES = 1 + STREAM_MAPPING.maximumRetryAttempts;
/** Tries the recovery makes of each record read back. */
const RECOVERY_TRIES = 3;

/** The iterators asked for at a sequence number: how recovery reads the stream (the poller never does). */
function watchIteratorsAt(streams: DynamoDBStreamsClient): string[] {
  const at: string[] = [];
  streams.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ShardIteratorType?: string; SequenceNumber?: string };
      if (context.commandName === 'GetShardIteratorCommand' && input.ShardIteratorType === 'AT_SEQUENCE_NUMBER') at.push(input.SequenceNumber ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'watchIteratorsAt' },
  );
  return at;
}

const FN = { functionName: 'on-failure', region: 'us-east-1', accountId: '000000000000' };

const item = (pk: string, minutes: number, status = 'FAILED') => ({
  pk,
  status,
  event_ts: dayWindow(EVENT_DAY, TZ).start_ms + minutes * 60_000,
  message: `${pk} failed`,
});

describe('ranges the local mapping gives up on are read back from the stream', () => {
  // Their entry writes fail until the mapping has given up on them, then succeed.
  const RECOVERED = ['billing#run-1', 'billing#run-2', 'ledger-close#run-3'];
  // Its entry writes never succeed.
  const STUCK = 'ledger-close#run-9';
  const throttled = new Set([...RECOVERED, STUCK]);
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let fault: EntryWriteFault;
  let iteratorsAt: string[];
  const lines: string[] = [];

  const onFailureRecords = async (): Promise<OnFailureRecord[]> =>
    (await readFile(pipeline.onFailureFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as OnFailureRecord);
  const pksOf = (f: OnFailureRecord) => f.records.map((r) => r.dynamodb?.NewImage?.['pk']?.S);

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    fault = failEntryWrites(clients.dynamodb, config.summaryTable, (pk) => throttled.has(pk));
    iteratorsAt = watchIteratorsAt(clients.streams);
    // The stack says a range gave up once it is in the on-failure file, before it recovers it: the throttle of those records ends there.
    const log = (line: string) => {
      lines.push(line);
      if (!/^stream: .* gave up/.test(line)) return;
      const last = readFileSync(pipeline.onFailureFile, 'utf8').trim().split('\n').at(-1)!;
      for (const pk of pksOf(JSON.parse(last) as OnFailureRecord)) if (pk !== STUCK) throttled.delete(pk!);
    };
    pipeline = await startTestPipeline(clients, config, { log });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
    destroyClients(clients);
  });

  it('captures each dropped record exactly once, and leaves its day complete', async () => {
    // One batch; bisecting it gives up on each failure alone.
    await batchPutAll(clients.doc, config.executionTable, [
      item(RECOVERED[0]!, 60),
      item('billing#run-1b', 61, 'SUCCESS'),
      item(RECOVERED[1]!, 62),
      item(RECOVERED[2]!, 63),
    ]);
    await pipeline.poller.waitForIdle(30_000);

    const failures = await onFailureRecords();
    for (const f of failures) expect(f.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: MAPPING_TRIES });
    expect(failures.flatMap(pksOf).sort()).toEqual([...RECOVERED].sort());
    for (const pk of RECOVERED) {
      expect(fault.failed(pk), pk).toBeGreaterThanOrEqual(MAPPING_TRIES);
      expect(fault.written(pk), pk).toBe(1);
    }
    // Read back from the stream at the start of each range, as on AWS.
    expect(iteratorsAt).toEqual(failures.map((f) => f.DDBStreamBatchInfo.startSequenceNumber));
    expect(lines.filter((l) => l.startsWith('on-failure: '))).toEqual(
      failures.map((f) => {
        const n = f.DDBStreamBatchInfo.batchSize;
        return `on-failure: ${n} of ${n} record${n === 1 ? '' : 's'} read back from shard ${f.DDBStreamBatchInfo.shardId}; ${n} captured`;
      }),
    );

    const entries = await pipeline.store.readDay(TZ, EVENT_DAY);
    expect(entries.map((e) => e.pk).sort()).toEqual([...RECOVERED].sort());
    for (const day of [addDays(EVENT_DAY, -1), EVENT_DAY, addDays(today, -1), today]) {
      expect(await pipeline.store.getDayState(TZ, day), day).toBeUndefined();
    }
    // A heartbeat round captured after the day ended is the evidence that capture got past it.
    await pipeline.heartbeat();
    await pipeline.poller.waitForIdle(30_000);
    const digest = await buildDigest(digestDeps(clients, config, { drops: INLINE_DROPS }), EVENT_DAY, TZ);
    expect(digest.completeness.complete).toBe(true);
    expect(digest.source).toBe('summary');
    expect(digest.count).toBe(RECOVERED.length);
    expect(digest.groups.reduce((n, g) => n + (g.process === 'billing' ? g.count : 0), 0)).toBe(2);
  });

  it('never takes the records the local mapping adds to its on-failure record', async () => {
    const [first] = await onFailureRecords();
    const poisoned = { ...first!, records: first!.records.map((r) => ({ ...r, dynamodb: { ...r.dynamodb, NewImage: { ...r.dynamodb!.NewImage, message: { S: 'from the file' } } } })) };
    const event: SQSEvent = { Records: [sqsMessage(JSON.stringify(poisoned), FN, Date.now())] };
    expect(await pipeline.recovery(event, lambdaContext(FN, Date.now))).toEqual({ batchItemFailures: [] });
    const entries = await pipeline.store.readDay(TZ, EVENT_DAY);
    expect(entries).toHaveLength(RECOVERED.length);
    expect(entries.map((e) => e.message).sort()).toEqual(RECOVERED.map((pk) => `${pk} failed`).sort());
  });

  it('files a record that still cannot be captured as unreadable, with the write error', async () => {
    await batchPutAll(clients.doc, config.executionTable, [item(STUCK, 90)]);
    await pipeline.poller.waitForIdle(30_000);

    const failure = (await onFailureRecords()).find((f) => pksOf(f).includes(STUCK))!;
    expect(failure.DDBStreamBatchInfo.batchSize).toBe(1);
    expect(fault.failed(STUCK)).toBe(MAPPING_TRIES + RECOVERY_TRIES);
    expect(fault.written(STUCK)).toBe(0);

    const arrivalDay = reportDayOf(Date.parse(failure.DDBStreamBatchInfo.approximateArrivalOfFirstRecord), TZ);
    const filed = await pipeline.store.listUnreadable(TZ, arrivalDay);
    expect(filed.map((u) => [u.id, u.reason])).toEqual([
      [
        failure.DDBStreamBatchInfo.startSequenceNumber,
        "could not be captured after the mapping's retries and 3 more on recovery: ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded.",
      ],
    ]);
    expect(JSON.parse(filed[0]!.raw)).toMatchObject({ pk: { S: STUCK }, status: { S: 'FAILED' } });
    expect(lines.at(-1)).toBe(`on-failure: 1 of 1 record read back from shard ${failure.DDBStreamBatchInfo.shardId}; 0 captured; 1 filed as unreadable`);

    // On record and counted, and nothing marked: the stream still had it.
    const report = await buildDigest(digestDeps(clients, config), arrivalDay, TZ);
    expect(report.unreadable).toBe(1);
    expect(await pipeline.store.getDayState(TZ, EVENT_DAY)).toBeUndefined();
    expect(await pipeline.store.getDayState(TZ, arrivalDay)).toBeUndefined();
  });
});

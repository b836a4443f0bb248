import { Logger } from '@aws-lambda-powertools/logger';
import { GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { runDigest } from '../../shared/digest/run-digest.ts';
import { recoveryDeps } from '../../shared/recovery/deps.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { describeShards } from '../../shared/stream/describe-shards.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { addDays, dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { createOnFailureHandler, type OnFailureHandler } from '../../functions/on-failure/handler.ts';
import { sqsMessage } from '../../infra/local/on-failure-destination.ts';
import { lambdaContext } from '../../infra/local/stream-invoke.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { onFailureRange } from '../support/on-failure.ts';

const TZ = 'Europe/Paris';
const today = reportDayOf(Date.now(), TZ);
const FN = { functionName: 'on-failure', region: 'us-east-1', accountId: '000000000000' };
// Before the first sequence number of any shard: DynamoDB Local numbers every stream's records from 1.
const BEFORE_ANY_SHARD = '0'.repeat(21);
const UNKNOWN_SHARD = 'shardId-00000001000000000000-00000000';

/**
 * Records that were dropped and are no longer in the stream. DynamoDB Local
 * keeps every record, so the two ways the real service answers for trimmed
 * records are simulated with a range the stream cannot hold: one before the
 * shard's first record, and one on a shard it does not list.
 */
describe('a dropped range the stream no longer holds', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: SummaryStore;
  let handler: OnFailureHandler;
  let streamArn: string;
  let shardId: string;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    streamArn = (await ensureLocalTables(clients.dynamodb, config)).streamArn;
    store = new SummaryStore(clients.doc, config.summaryTable, config.retentionDays);
    // Capture has seen every write since the start: without a mark, the digest would trust the (empty) summary.
    await store.ensureCoverage(TZ, 0);
    handler = createOnFailureHandler({ recovery: recoveryDeps(clients, config), logger: new Logger({ logLevel: 'SILENT' }) });
    // In the index, not in the summary: what a dropped and trimmed range leaves behind.
    const items = [3, 7].flatMap((ago) => {
      const start = dayWindow(addDays(today, -ago), TZ).start_ms;
      return [0, 1].map((i) => ({ pk: `nightly-export#run-${ago}-${i}`, status: 'FAILED', event_ts: start + (9 + i) * 3_600_000, message: 'disk full' }));
    });
    await batchPutAll(clients.doc, config.executionTable, items);
    shardId = (await describeShards(clients.streams, streamArn))[0]!.ShardId!;
  });

  afterAll(async () => {
    await dropTables(clients, config);
    destroyClients(clients);
  });

  const range = (day: string, shardId: string, startSequenceNumber: string) => {
    const arrived = new Date(dayWindow(day, TZ).start_ms + 10 * 3_600_000).toISOString().replace('.000Z', 'Z');
    return onFailureRange({ streamArn, shardId, startSequenceNumber, batchSize: 2 }, arrived, 'RecordAgeExceeded');
  };

  it('is answered by DynamoDB Local as the detection expects', async () => {
    const at = (ShardId: string, SequenceNumber: string) =>
      clients.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber }));
    await expect(at(shardId, BEFORE_ANY_SHARD)).rejects.toMatchObject({ name: 'ValidationException', message: 'Invalid SequenceNumber for the shard' });
    await expect(at(UNKNOWN_SHARD, '1'.padStart(21, '0'))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Shard does not exist' });
  });

  it.each([
    ['older than the shard\'s first record', 3, () => range(addDays(today, -3), shardId, BEFORE_ANY_SHARD), 'trimmed from the stream'],
    ['on a shard the stream no longer lists', 7, () => range(addDays(today, -7), UNKNOWN_SHARD, '1'.padStart(21, '0')), 'the shard is no longer in the stream'],
  ])('%s: marks the days it may belong to, and their digest reads the index, saying why', async (_what, ago, make, why) => {
    const day = addDays(today, -ago);
    const failure = make();
    const malformed = sqsMessage('{"DDBStreamBatchInfo":{}}', FN, Date.now());
    const event = { Records: [malformed, sqsMessage(JSON.stringify(failure), FN, Date.now())] };

    // Only the malformed message is reported back, for SQS to retry and park.
    expect(await handler(event, lambdaContext(FN, Date.now))).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.messageId }] });

    const arrived = failure.DDBStreamBatchInfo.approximateArrivalOfFirstRecord;
    const reason = `2 records dropped on shard ${failure.DDBStreamBatchInfo.shardId} at ${arrived} (RecordAgeExceeded) could not be read back: ${why}`;
    for (const d of [addDays(day, -1), day]) expect(await store.getDayState(TZ, d), d).toEqual({ incomplete: true, reason, incompleteMs: expect.any(Number) });
    expect(await store.getDayState(TZ, addDays(day, 1))).toBeUndefined();
    expect(await store.getDayState(TZ, addDays(day, -2))).toBeUndefined();

    const digest = await runDigest(digestDeps(clients, config), { date: day, tz: TZ, from: config.sesFrom, to: config.sesTo, dryRun: true });
    expect(digest.report.source).toBe('gsi');
    // The attachment lists every failure of the day; the report, its groups.
    const pks = Buffer.from(digest.csv.bytes).toString('utf8').trim().split('\r\n').slice(1).map((row) => row.split(',')[5]);
    expect(pks).toEqual([`nightly-export#run-${ago}-0`, `nightly-export#run-${ago}-1`]);
    expect(digest.report.count).toBe(2);
    expect(digest.email.text).toContain(`Not shown complete: records of this day were dropped by capture and could not be recovered (${reason})`);
  });
});

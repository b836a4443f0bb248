import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { createStreamConsumerHandler, type StreamHandler } from '../../functions/stream-consumer/handler.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { failedWriteRecord } from '../support/stream-record.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';
import { failureEntry } from '../support/failure-entry.ts';

const TZ = 'UTC';
const DATE = '2026-06-02';
const W = dayWindow(DATE, TZ);
const CONTEXT = { awsRequestId: 'r' } as Context;
// Real sequence numbers are 21 to 40 digits; these have 27.
const BASE = 10n ** 26n;

/** A write of one execution-log item: same pk and event_ts, so the same summary entry. */
function write(pk: string, sequence: bigint | string, message: string): DynamoDBRecord {
  return failedWriteRecord({ pk, ts: W.start_ms + 3_600_000, sequence, message, eventName: 'MODIFY' });
}

/** Pairs of writes of one item each: the first, then a MODIFY that rewrote its message. */
function pairs(prefix: string, n: number): { older: DynamoDBRecord; newer: DynamoDBRecord }[] {
  return Array.from({ length: n }, (_, i) => ({
    older: write(`${prefix}#run-${i}`, BASE + BigInt(2 * i), 'first message'),
    newer: write(`${prefix}#run-${i}`, BASE + BigInt(2 * i + 1), 'rewritten message'),
  }));
}

describe('the consumer keeps the newest record of an entry, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: SummaryStore;
  let handler: StreamHandler;

  const messages = async (prefix: string) =>
    (await store.readDay(TZ, DATE))
      .filter((e) => e.pk.startsWith(`${prefix}#`))
      .map((e) => e.message);

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    await ensureLocalTables(clients.dynamodb, config);
    store = new SummaryStore(clients.doc, config.summaryTable, config.retentionDays);
    handler = createStreamConsumerHandler({
      store,
      evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
      tz: TZ,
      clock: () => W.end_ms,
      logger: new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }),
    });
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('in one batch with the older record of each entry last, written in parallel', async () => {
    const batch = pairs('older-last', 30).flatMap((p) => [p.newer, p.older]);
    // The older record's write losing its condition is success: nothing is retried.
    expect(await handler({ Records: batch }, CONTEXT)).toEqual({ batchItemFailures: [] });
    const read = await messages('older-last');
    expect(read).toHaveLength(30);
    expect(new Set(read)).toEqual(new Set(['rewritten message']));
  });

  it('when the two records of each entry arrive in two invocations running at once', async () => {
    const all = pairs('two-invocations', 30);
    const [olderFirst, newerFirst] = [all.slice(0, 15), all.slice(15)];
    // Half the entries see the older record's batch start first, half the newer's.
    const responses = await Promise.all([
      handler({ Records: [...olderFirst.map((p) => p.older), ...newerFirst.map((p) => p.newer)] }, CONTEXT),
      handler({ Records: [...olderFirst.map((p) => p.newer), ...newerFirst.map((p) => p.older)] }, CONTEXT),
    ]);
    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const read = await messages('two-invocations');
    expect(read).toHaveLength(30);
    expect(new Set(read)).toEqual(new Set(['rewritten message']));
  });

  it('when the older record is delivered again after the newer one, or the newer one again', async () => {
    const [p] = pairs('redelivered', 1);
    expect(await handler({ Records: [p!.older, p!.newer] }, CONTEXT)).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [p!.older] }, CONTEXT)).toEqual({ batchItemFailures: [] });
    expect(await messages('redelivered')).toEqual(['rewritten message']);
    expect(await handler({ Records: [p!.newer] }, CONTEXT)).toEqual({ batchItemFailures: [] });
    expect(await messages('redelivered')).toEqual(['rewritten message']);
  });

  it('compares sequence numbers of different lengths as numbers', async () => {
    // As text "999…" sorts after "1000…"; as numbers it is the older record.
    const older = write('lengths#run-1', '9'.repeat(21), 'first message');
    const newer = write('lengths#run-1', `1${'0'.repeat(21)}`, 'rewritten message');
    expect(await handler({ Records: [newer] }, CONTEXT)).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [older] }, CONTEXT)).toEqual({ batchItemFailures: [] });
    expect(await messages('lengths')).toEqual(['rewritten message']);
  });

  it('lets any stream record replace an entry reprocess wrote, which carries no sequence number', async () => {
    const [p] = pairs('rebuilt', 1);
    const entry = failureEntry({ pk: 'rebuilt#run-0', process: 'rebuilt', event_ts: W.start_ms + 3_600_000, message: 'from the index', source: 'execution-log' });
    await store.putEntries([{ entry, day: DATE }], TZ, W.end_ms);
    expect(await messages('rebuilt')).toEqual(['from the index']);
    expect(await handler({ Records: [p!.older] }, CONTEXT)).toEqual({ batchItemFailures: [] });
    expect(await messages('rebuilt')).toEqual(['first message']);
  });
});

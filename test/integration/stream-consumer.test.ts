import { Logger } from '@aws-lambda-powertools/logger';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { errorSignature } from '../../shared/signature/signature.ts';
import { allDayKeys } from '../../shared/summary/model/day-entry.ts';
import { expiresAt } from '../../shared/summary/model/table.ts';
import { unreadableKey } from '../../shared/summary/model/unreadable.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { createStreamConsumerHandler } from '../../functions/stream-consumer/handler.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { failedWriteRecord } from '../support/stream-record.ts';

const TZ = 'UTC';
const DATE = '2026-06-01';
const W = dayWindow(DATE, TZ);
const CONTEXT = { awsRequestId: 'r' } as Context;

function record(seq: number, pk: string, ts = W.start_ms + seq * 60_000): DynamoDBRecord {
  return failedWriteRecord({ pk, ts, sequence: 1000 + seq, message: `boom ${seq}` });
}

/** The real store on DynamoDB Local, except that writes of the named entries fail: a throttle no emulator produces. */
class FlakyStore extends SummaryStore {
  readonly failing = new Set<string>();
  override async putEntry(...args: Parameters<SummaryStore['putEntry']>): ReturnType<SummaryStore['putEntry']> {
    if (this.failing.has(args[0].pk)) throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' });
    return super.putEntry(...args);
  }
}

describe('stream consumer batches on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: FlakyStore;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    await ensureLocalTables(clients.dynamodb, config);
    store = new FlakyStore(clients.doc, config.summaryTable, config.retentionDays);
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('reports only the record whose write failed, writes the others, and a retry completes the day without duplicates', async () => {
    const handler = createStreamConsumerHandler({
      store,
      evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
      tz: TZ,
      clock: () => W.end_ms,
      logger: new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }),
    });
    const records = Array.from({ length: 12 }, (_, i) => record(i, `job-${i % 3}#run-${i}`));
    store.failing.add('job-1#run-4');

    const first = await handler({ Records: records }, CONTEXT);
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: '1004' }] });
    // Records after the failed one are written too; Lambda retries from the failed one, and rewriting is harmless.
    expect((await store.readDay(TZ, DATE)).map((e) => e.pk).sort()).toEqual(records.map((r) => r.dynamodb!.Keys!['pk']!.S!).filter((pk) => pk !== 'job-1#run-4').sort());

    store.failing.clear();
    const retry = await handler({ Records: records.slice(4) }, CONTEXT);
    expect(retry).toEqual({ batchItemFailures: [] });
    const day = await store.readDay(TZ, DATE);
    expect(day).toHaveLength(12);
    expect(new Set(day.map((e) => `${e.pk}@${e.event_ts}`)).size).toBe(12);
  });

  it('stores the signature of the whole message, so a long traceback is known by its last line although the head loses it', async () => {
    const handler = createStreamConsumerHandler({ store, evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays), tz: TZ, clock: () => W.end_ms, logger: new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }) });
    const frames = (n: number) => Array.from({ length: n }, (_, i) => `  File "/opt/app/io/sink.py", line ${100 + i}, in write_parquet\n    s3.put_object(**kwargs)`).join('\n');
    const traceback = (n: number, row: number) => `Traceback (most recent call last):\n${frames(n)}\nValueError: bad row ${row}`;
    const records = [
      failedWriteRecord({ pk: 'ml-refresh#run-1', ts: W.start_ms + 3_600_000, sequence: 2001, message: traceback(12, 17) }),
      failedWriteRecord({ pk: 'ml-refresh#run-2', ts: W.start_ms + 7_200_000, sequence: 2002, message: traceback(30, 4812) }),
    ];
    expect(await handler({ Records: records }, CONTEXT)).toEqual({ batchItemFailures: [] });

    const query = (pk: string) =>
      clients.doc.send(new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    const items = (await Promise.all(allDayKeys(TZ, DATE).map(query))).flatMap((out) => out.Items ?? []).filter((i) => String(i['sk']).includes('#ml-refresh#'));
    expect(items).toHaveLength(2);
    // What the entry keeps of the message is the line that names the error, not the frames.
    expect(items.map((i) => i['msg']).sort()).toEqual(['ValueError: bad row 17', 'ValueError: bad row 4812']);
    for (const item of items) expect(item).toMatchObject({ sig: errorSignature('ValueError: bad row 1').signature });
    const read = (await store.readDay(TZ, DATE)).filter((e) => e.process === 'ml-refresh');
    expect(read.map((e) => e.template)).toEqual(['ValueError: bad row <int>', 'ValueError: bad row <int>']);
  });

  it('keeps an old failure and an unreadable record for the retention period from their capture, not from event_ts', async () => {
    const now = W.end_ms;
    const handler = createStreamConsumerHandler({ store, evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays), tz: TZ, clock: () => now, logger: new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }) });
    const oldTs = now - (config.retentionDays + 30) * 86_400_000;
    const late = record(50, 'late-writer#run-1', oldTs);
    const unreadable = record(51, 'late-writer#run-2');
    unreadable.dynamodb!.NewImage!['message'] = { N: '42' };
    expect(await handler({ Records: [late, unreadable] }, CONTEXT)).toEqual({ batchItemFailures: [] });

    const query = (pk: string) =>
      clients.doc.send(new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    const lateDay = reportDayOf(oldTs, TZ);
    const entries = (await Promise.all(allDayKeys(TZ, lateDay).map(query))).flatMap((out) => out.Items ?? []);
    // Filed under the day it arrived on.
    const filed = (await query(unreadableKey(TZ, DATE))).Items ?? [];
    const expires = expiresAt(now, config.retentionDays);
    expect(entries.map((i) => [String(i['sk']).replace(/^\d+#/, ''), i['expires_at']])).toEqual([['late-writer#run-1', expires]]);
    expect(filed.map((i) => i['expires_at'])).toEqual([expires]);
  });
});

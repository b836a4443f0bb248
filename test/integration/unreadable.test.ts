import { Logger } from '@aws-lambda-powertools/logger';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { buildDigest } from '../../shared/digest/run-digest.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { reportDayOf } from '../../shared/time/report-day.ts';
import { createStreamConsumerHandler } from '../../functions/stream-consumer/handler.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';
import { failedWriteRecord } from '../support/stream-record.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';

const TZ = 'America/Sao_Paulo';

/** A FAILED item the GSI holds (status and a numeric event_ts) that cannot be read: its message is a number. */
const unreadableItem = (pk: string, ts: number) => ({
  pk: { S: pk },
  status: { S: 'FAILED' },
  event_ts: { N: String(ts) },
  message: { N: '42' },
});

describe('an unreadable FAILED record that the index also holds', () => {
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  const ts = Date.now();
  const today = reportDayOf(ts, TZ);

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    pipeline = await startTestPipeline(clients, config);
    await clients.dynamodb.send(new PutItemCommand({ TableName: config.executionTable, Item: unreadableItem('ledger-close#run-u', ts) }));
    await pipeline.poller.waitForIdle(30_000);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
  });

  it("is filed with the item's pk and the record's sequence number", async () => {
    const filed = await pipeline.store.listUnreadable(TZ, today);
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({ pk: 'ledger-close#run-u', reason: 'message has type N, expected S (string)' });
    expect(filed[0]!.sequence).toMatch(/^\d{21,40}$/);
    expect(filed[0]!.id).toBe(filed[0]!.sequence);
  });

  it('is counted once by the digest, from the summary and from the index', async () => {
    const deps = digestDeps(clients, config);
    expect((await buildDigest(deps, today, TZ)).unreadable).toBe(1);
    expect((await buildDigest(deps, today, TZ, 'gsi')).unreadable).toBe(1);
  });
});

describe('unreadable records on the index path, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    await ensureLocalTables(clients.dynamodb, config);
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('counts a record filed before pks were stored once too, and one nobody filed', async () => {
    const now = Date.now();
    const today = reportDayOf(now, TZ);
    await clients.dynamodb.send(new PutItemCommand({ TableName: config.executionTable, Item: unreadableItem('legacy#run-1', now) }));
    await clients.dynamodb.send(new PutItemCommand({ TableName: config.executionTable, Item: unreadableItem('never-filed#run-1', now) }));
    // As the consumer filed it before: no item_pk, the pk only in the raw image.
    await clients.doc.send(
      new PutCommand({
        TableName: config.summaryTable,
        Item: {
          pk: `UNREADABLE#${TZ}#${today}`,
          sk: '4900000000000000000001',
          reason: 'message has type N, expected S (string)',
          raw: JSON.stringify(unreadableItem('legacy#run-1', now)),
          received_ms: now,
        },
      }),
    );
    expect((await buildDigest(digestDeps(clients, config), today, TZ, 'gsi')).unreadable).toBe(2);
  });

  it("names the item's pk and the sequence number in the consumer's log line", async () => {
    const lines: Record<string, unknown>[] = [];
    class ListeningLogger extends Logger {
      override error(message: string, extra: Record<string, unknown>): void {
        lines.push({ message, ...extra });
      }
    }
    const handler = createStreamConsumerHandler({
      store: new SummaryStore(clients.doc, config.summaryTable, config.retentionDays),
      evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
      tz: TZ,
      clock: Date.now,
      logger: new ListeningLogger({ serviceName: 'failure-digest', logLevel: 'SILENT' }),
    });
    const record = failedWriteRecord({ pk: 'ledger-close#run-7', ts: Date.now(), sequence: '4421584500000000017450439091' });
    record.dynamodb!.NewImage!['message'] = { N: '7' };
    expect(await handler({ Records: [record] }, { awsRequestId: 'r' } as Context)).toEqual({ batchItemFailures: [] });
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'Unreadable FAILED record filed',
        pk: 'ledger-close#run-7',
        sequence: '4421584500000000017450439091',
        reason: 'message has type N, expected S (string)',
      }),
    ]);
  });
});

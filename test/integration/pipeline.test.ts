import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { allDayKeys } from '../../shared/summary/model/day-entry.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { scheduledEvent } from '../../infra/local/scheduler.ts';
import { dropTables, mailbox, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';

const TZ = 'Europe/Paris';
// A 25-hour day: 2026-10-25 in Paris runs from 2026-10-24T22:00Z to 2026-10-25T23:00Z.
const DATE = '2026-10-25';
const W = dayWindow(DATE, TZ);

function item(pk: string, status: string, ts: number, message?: string) {
  return {
    pk: { S: pk },
    status: { S: status },
    event_ts: { N: String(ts) },
    ...(message ? { message: { S: message } } : {}),
  };
}

describe('stream capture to digest email, on DynamoDB Local and the SES emulator', () => {
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    pipeline = await startTestPipeline(clients, config);
    const put = (i: ReturnType<typeof item>) => clients.dynamodb.send(new PutItemCommand({ TableName: config.executionTable, Item: i }));
    // Three failures of one process across the day's edges, one of another, and successes.
    await put(item('nightly-export#run-1', 'FAILED', W.start_ms, 'TimeoutError: first of the day'));
    await put(item('nightly-export#run-2', 'FAILED', W.start_ms + 3_600_000, 'Error: middle'));
    await put(item('nightly-export#run-3', 'FAILED', W.end_ms - 1, 'Error: <last> of the day'));
    await put(item('billing-sync#run-9', 'FAILED', W.start_ms + 7_200_000, 'ECONNREFUSED 10.0.4.12:5432'));
    await put(item('billing-sync#run-10', 'SUCCESS', W.start_ms + 7_300_000));
    await put(item('nightly-export#run-4', 'FAILED', W.end_ms, 'belongs to the next day'));
    // Written FAILED, then retried and succeeded: the failure happened and stays reported.
    await put(item('crm-import#run-5', 'FAILED', W.start_ms + 60_000, 'crm down'));
    await put(item('crm-import#run-5', 'SUCCESS', W.start_ms + 120_000));
    await pipeline.settle(30_000);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
  });

  it('captures each FAILED write in its report day and ignores the rest', async () => {
    const day = await pipeline.store.readDay(TZ, DATE);
    expect(day.map((e) => e.pk).sort()).toEqual([
      'billing-sync#run-9',
      'crm-import#run-5',
      'nightly-export#run-1',
      'nightly-export#run-2',
      'nightly-export#run-3',
    ]);
    const next = await pipeline.store.readDay(TZ, '2026-10-26');
    expect(next.map((e) => e.pk)).toEqual(['nightly-export#run-4']);
  });

  it('spreads one day over several shard partitions', async () => {
    const used = new Set<string>();
    for (const pk of allDayKeys(TZ, DATE)) {
      const out = await clients.doc.send(new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
      if ((out.Items ?? []).length > 0) used.add(pk);
    }
    expect(used.size).toBeGreaterThan(1);
  });

  it('adds nothing when a batch is delivered again', async () => {
    const before = await pipeline.store.readDay(TZ, DATE);
    const event = {
      Records: [
        {
          eventID: 'redelivered-1',
          eventName: 'INSERT' as const,
          eventSource: 'aws:dynamodb',
          eventVersion: '1.1',
          awsRegion: 'us-east-1',
          dynamodb: {
            ApproximateCreationDateTime: W.start_ms / 1000,
            Keys: { pk: { S: 'nightly-export#run-1' } },
            NewImage: item('nightly-export#run-1', 'FAILED', W.start_ms, 'TimeoutError: first of the day'),
            SequenceNumber: '1',
            SizeBytes: 100,
            StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
          },
        },
      ],
    };
    const ctx = { awsRequestId: 'r' } as Parameters<typeof pipeline.consumer>[1];
    expect(await pipeline.consumer(event, ctx)).toEqual({ batchItemFailures: [] });
    expect(await pipeline.consumer(event, ctx)).toEqual({ batchItemFailures: [] });
    const after = await pipeline.store.readDay(TZ, DATE);
    expect(after).toHaveLength(before.length);
  });

  it('sends one clear email for the day, and nothing on a second firing', async () => {
    // The schedule fires at 08:00 Paris the next morning; the report is the day before.
    const event = scheduledEvent(Date.parse('2026-10-26T07:00:00Z'), 1, 'exec-1');
    const first = await pipeline.digest(event);
    expect(first).toMatchObject({ date: DATE, tz: TZ, status: 'sent', source: 'summary', count: 5, unreadable: 0 });

    const retry = await pipeline.digest({ ...event, attempt: '2' });
    expect(retry.status).toBe('already-sent');

    const mails = await mailbox(config.sesTo[0]!);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe(`failure-digest: 5 failures on ${DATE} (${TZ})`);
    // Three errors of one process, a group each: the first at the start of the 25-hour day, the last at its end.
    expect(mail.body.text).toContain('nightly-export: 1 failure, at 00:00:00+02:00\n   latest (nightly-export#run-1): TimeoutError: first of the day\n');
    expect(mail.body.text).toContain('nightly-export: 1 failure, at 23:59:59+01:00\n   latest (nightly-export#run-3): Error: <last> of the day\n');
    expect(mail.body.text).toContain('(25 h)');
    expect(mail.body.html).toContain('Error: &lt;last&gt; of the day');
    expect(mail.body.text).not.toContain('belongs to the next day');
    // Every failure of the day rides along as CSV, which the emulator keeps as SES would deliver it.
    expect(mail.attachments?.map((a) => [a.filename, a.contentType, a.contentDisposition])).toEqual([[`failures-${DATE}.csv`, 'text/csv; charset=utf-8', 'ATTACHMENT']]);
    const rows = Buffer.from(mail.attachments![0]!.content, 'base64').toString('utf8').split('\r\n');
    expect(rows[0]).toBe('local_time,utc_time,process,signature_template,source,pk,message_head');
    expect(rows.slice(1, -1)).toHaveLength(5);
    expect(rows).toContain(`${DATE} 23:59:59+01:00,2026-10-25T22:59:59.999Z,nightly-export,Error: <last> of the day,execution-log,nightly-export#run-3,Error: <last> of the day`);
  });
});

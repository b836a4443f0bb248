import { readFile } from 'node:fs/promises';
import { PutItemCommand, ProvisionedThroughputExceededException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { STREAM_MAPPING } from '../../shared/capture/stream-mapping.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { buildDigest, runDigest, type DigestDeps } from '../../shared/digest/run-digest.ts';
import type { DigestReport } from '../../shared/digest/report.ts';
import { sesMailer } from '../../shared/email/mailer.ts';
import { rebuildRange } from '../../shared/reprocess/reprocess.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { addDays, dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { generateDay } from '../../infra/local/demo-data.ts';
import { ensureTable } from '../../infra/local/tables.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import type { OnFailureRecord } from '../../infra/local/stream-poller.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { summaryTableInput } from '../../shared/summary/model/table.ts';
import { dropTables, mailbox, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';

// A zone with a 45-minute offset, and a day inside the demo generator's range.
const TZ = 'Asia/Kathmandu';
const DATE = '2026-11-20';

const comparable = (r: DigestReport) => ({
  count: r.count,
  failures: r.failures.map((f) => [f.pk, f.event_ts, f.message]),
  groups: r.groups.map((g) => [g.process, g.count, g.first_ts, g.last_ts, g.latest_pk]),
});

describe('the summary, the GSI fallback and reprocess agree', () => {
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let deps: DigestDeps;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    pipeline = await startTestPipeline(clients, config);
    deps = {
      store: pipeline.store,
      dynamodb: clients.dynamodb,
      executionTable: config.executionTable,
      gsiName: config.gsiName,
      mailer: sesMailer(clients.ses),
      clock: Date.now,
    };
    // Three days of realistic logs, so the edges of the middle one are exercised.
    const items = ['2026-11-19', DATE, '2026-11-21'].flatMap((date) => generateDay({ date, tz: TZ }));
    await batchPutAll(clients.doc, config.executionTable, items as unknown as Record<string, unknown>[], 8);
    await pipeline.poller.waitForIdle(60_000);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
  });

  it('reads the same failures from the summary partition and from the GSI', async () => {
    const summary = await buildDigest(deps, DATE, TZ);
    const gsi = await buildDigest(deps, DATE, TZ, 'gsi');
    expect(summary.source).toBe('summary');
    expect(gsi.source).toBe('gsi');
    expect(summary.count).toBeGreaterThan(50);
    expect(comparable(summary)).toEqual(comparable(gsi));
    for (const f of summary.failures) expect(reportDayOf(f.event_ts, TZ)).toBe(DATE);
  });

  it('falls back to the GSI for days capture did not cover, and reprocess rebuilds them', async () => {
    const rebuiltTable = `${config.summaryTable}-rebuilt`;
    await ensureTable(clients.dynamodb, summaryTableInput(rebuiltTable));
    const rebuilt = { ...deps, store: new SummaryStore(clients.doc, rebuiltTable, 30) };
    try {
      const before = await buildDigest(rebuilt, DATE, TZ);
      expect(before.source).toBe('gsi');
      expect(before.sourceNote).toMatch(/capture has not recorded/);

      const days = await rebuildRange(rebuilt, '2026-11-19', '2026-11-21', TZ);
      expect(days.map((d) => d.date)).toEqual(['2026-11-19', DATE, '2026-11-21']);
      // Safe to rerun: the same keys are written again.
      await rebuildRange(rebuilt, DATE, DATE, TZ);

      const after = await buildDigest(rebuilt, DATE, TZ);
      expect(after.source).toBe('summary');
      expect(after.sourceNote).toMatch(/Rebuilt by reprocess/);
      expect(comparable(after)).toEqual(comparable(await buildDigest(deps, DATE, TZ)));
      expect((await rebuilt.store.readDay(TZ, DATE)).length).toBe(after.count);
    } finally {
      await clients.dynamodb.send(new (await import('@aws-sdk/client-dynamodb')).DeleteTableCommand({ TableName: rebuiltTable }));
    }
  });

  // The GSI keys event_ts as a number, so the usual writer bug that gets through is seconds for milliseconds.
  it('files an unreadable FAILED record with its reason and counts it in the digest of its arrival day', async () => {
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: config.executionTable,
        Item: { pk: { S: 'ledger-close#run-x' }, status: { S: 'FAILED' }, event_ts: { N: String(Math.floor(Date.now() / 1000)) }, message: { S: 'bad writer' } },
      }),
    );
    await pipeline.poller.waitForIdle(30_000);
    const today = reportDayOf(Date.now(), TZ);
    const filed = await pipeline.store.listUnreadable(TZ, today);
    expect(filed).toHaveLength(1);
    expect(filed[0]!.reason).toMatch(/^event_ts \d+ is before 2000-01-01 \(looks like epoch seconds; expected milliseconds\)$/);
    expect(filed[0]!.raw).toContain('ledger-close#run-x');
    const report = await buildDigest(deps, today, TZ);
    expect(report.unreadable).toBe(1);
  });

  it('sends exactly once when two runs race, and again only with force', async () => {
    const opts = { date: DATE, tz: TZ, from: config.sesFrom, to: config.sesTo };
    const outcomes = await Promise.all([runDigest(deps, opts), runDigest(deps, opts), runDigest(deps, opts)]);
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status !== 'sent').every((o) => o.status === 'in-progress' || o.status === 'already-sent')).toBe(true);
    expect(await mailbox(config.sesTo[0]!)).toHaveLength(1);

    expect((await runDigest(deps, opts)).status).toBe('already-sent');
    expect((await runDigest(deps, { ...opts, force: true })).status).toBe('sent');
    expect(await mailbox(config.sesTo[0]!)).toHaveLength(2);
  });

  it('gives the day back when SES cannot be reached, so the next run sends it', async () => {
    const unreachable = createClients({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { ses: `http://127.0.0.1:${await freePort()}` },
    });
    const opts = { date: '2026-11-19', tz: TZ, from: config.sesFrom, to: config.sesTo };
    try {
      await expect(runDigest({ ...deps, mailer: sesMailer(unreachable.ses) }, opts)).rejects.toThrow(/ECONNREFUSED|connect/);
    } finally {
      unreachable.ses.destroy();
    }
    const retry = await runDigest(deps, opts);
    expect(retry.status).toBe('sent');
    expect(retry.report.source).toBe('summary');
  });
});

/**
 * Makes every PutItem into `table` that writes `pk`'s failure fail the way
 * DynamoDB answers a partition over its throughput, as the SDK surfaces it
 * once its own retries are spent. DynamoDB Local never throttles: this is the
 * one fault injected, on a client of the test's own; everything else is real.
 */
function throttleSummaryWrites(client: DynamoDBClient, table: string, pk: string): { attempts: number } {
  const seen = { attempts: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (context.commandName === 'PutItemCommand' && input.TableName === table && JSON.stringify(input).includes(pk)) {
        seen.attempts += 1;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectSummaryThrottle' },
  );
  return seen;
}

describe('records that exhaust their retries through the local event source mapping', () => {
  const LOST_PK = 'ledger-close#run-7';
  // Days before today, so every event_ts is plausible whatever the date.
  const today = reportDayOf(Date.now(), TZ);
  const LOST_DAY = addDays(today, -2);
  const OTHER_DAY = addDays(today, -3);
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let deps: DigestDeps;
  let throttled: { attempts: number };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    throttled = throttleSummaryWrites(clients.dynamodb, config.summaryTable, LOST_PK);
    pipeline = await startTestPipeline(clients, config);
    deps = digestDeps(clients, config);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
    destroyClients(clients);
  });

  it('writes the on-failure record, marks the day incomplete, and the digest reads the GSI for it saying why', async () => {
    const put = (pk: string, date: string, minutes: number, status = 'FAILED') =>
      clients.dynamodb.send(
        new PutItemCommand({
          TableName: config.executionTable,
          Item: {
            pk: { S: pk },
            status: { S: status },
            event_ts: { N: String(dayWindow(date, TZ).start_ms + minutes * 60_000) },
            message: { S: `${pk} failed` },
          },
        }),
      );
    await put('nightly-export#run-1', OTHER_DAY, 60);
    await put('nightly-export#run-2', LOST_DAY, 60);
    await put('billing#run-3', LOST_DAY, 120);
    await put('billing#run-4', LOST_DAY, 125, 'SUCCESS');
    await pipeline.poller.waitForIdle(30_000);
    // Alone in its batch, so the on-failure record holds exactly it.
    await put(LOST_PK, LOST_DAY, 180);
    await pipeline.poller.waitForIdle(30_000);

    // The first try and every retry of the shared mapping, then the record is given up.
    const tries = 1 + STREAM_MAPPING.maximumRetryAttempts;
    expect(throttled.attempts).toBe(tries);
    expect(pipeline.poller.stats.recordsFailed).toBe(1);
    const lines = (await readFile(pipeline.onFailureFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const failure = JSON.parse(lines[0]!) as OnFailureRecord;
    expect(failure).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: tries },
      DDBStreamBatchInfo: { batchSize: 1, streamArn: pipeline.streamArn },
    });
    expect(failure.records.map((r) => r.dynamodb?.NewImage?.['pk']?.S)).toEqual([LOST_PK]);

    // The product's on-failure path marked the record's day, and only that day.
    const why = `RetryAttemptsExhausted on shard ${failure.DDBStreamBatchInfo.shardId}`;
    expect(await pipeline.store.getDayState(TZ, LOST_DAY)).toEqual({ incomplete: true, reason: why, incompleteMs: expect.any(Number) });
    expect(await pipeline.store.getDayState(TZ, OTHER_DAY)).toBeUndefined();
    expect((await pipeline.store.readDay(TZ, LOST_DAY)).map((e) => e.pk).sort()).toEqual(['billing#run-3', 'nightly-export#run-2']);

    const lost = await runDigest(deps, { date: LOST_DAY, tz: TZ, from: config.sesFrom, to: config.sesTo, dryRun: true });
    expect(lost.report.source).toBe('gsi');
    expect(lost.report.failures.map((f) => f.pk)).toEqual(['nightly-export#run-2', 'billing#run-3', LOST_PK]);
    expect(lost.email.text).toContain(
      `Source: status/event_ts index query (fallback). The captured summary of this day is marked incomplete (${why}).`,
    );
    const other = await buildDigest(deps, OTHER_DAY, TZ);
    expect(other.source).toBe('summary');
    expect(other.failures.map((f) => f.pk)).toEqual(['nightly-export#run-1']);
  });
});

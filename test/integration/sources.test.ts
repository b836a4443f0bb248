import { Logger } from '@aws-lambda-powertools/logger';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { createClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import { buildDigest, runDigest, type DigestDeps } from '../../shared/digest/run-digest.ts';
import type { DigestReport } from '../../shared/digest/report.ts';
import { sesMailer } from '../../shared/email/mailer.ts';
import { rebuildRange } from '../../shared/reprocess/reprocess.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { reportDayOf } from '../../shared/time/report-day.ts';
import { generateDay } from '../../infra/local/demo-data.ts';
import { createDigestHandler } from '../../functions/digest/handler.ts';
import { ensureTable } from '../../infra/local/tables.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { summaryTableInput } from '../../shared/summary/model/table.ts';
import { dropTables, mailbox, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';

// A zone with a 45-minute offset, and a day inside the demo generator's range.
const TZ = 'Asia/Kathmandu';
const DATE = '2026-11-20';

const comparable = (r: DigestReport) => ({
  count: r.count,
  by_source: r.by_source,
  // Not the sample nor its error line: the index gives each group its latest message, the summary the first one seen
  // (its group info), and only for the groups the email shows.
  // By identity: their order also weighs new and back marks, which depend on what each table knows of the week before.
  groups: r.groups
    .map((g) => [g.process, g.signature, g.template, g.count, g.first_ts, g.last_ts, g.latest_pk, g.source_counts] as const)
    .sort((a, b) => (`${a[0]}\u0000${a[1]}` < `${b[0]}\u0000${b[1]}` ? -1 : 1)),
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
    deps = { ...digestDeps(clients, config, { drops: INLINE_DROPS }), store: pipeline.store, captureWaitMs: 0 };
    // Three days of realistic logs, so the edges of the middle one are exercised.
    const items = ['2026-11-19', DATE, '2026-11-21'].flatMap((date) => generateDay({ date, tz: TZ }));
    await batchPutAll(clients.doc, config.executionTable, items as unknown as Record<string, unknown>[], 8);
    await pipeline.settle(60_000);
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
    for (const g of summary.groups) for (const ts of [g.first_ts, g.last_ts]) expect(reportDayOf(ts, TZ)).toBe(DATE);
    // Signed from the whole message: a traceback cut in its head is still known by its last line, and shows it.
    const tracebacks = summary.groups.filter((g) => g.sample.startsWith('Traceback'));
    expect(tracebacks.length).toBeGreaterThan(0);
    for (const g of tracebacks) expect(g.template).toMatch(/^botocore\.exceptions\.ClientError: /);
    for (const g of tracebacks) expect(g.error_line).toMatch(/^botocore\.exceptions\.ClientError: /);
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
      expect(after.sourceNote).toMatch(/^Complete: rebuilt from the index by reprocess at /);
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
    await pipeline.settle(30_000);
    const today = reportDayOf(Date.now(), TZ);
    const filed = await pipeline.store.listUnreadable(TZ, today);
    expect(filed).toHaveLength(1);
    expect(filed[0]!.reason).toMatch(/^event_ts \d+ is before 2000-01-01 \(looks like epoch seconds; expected milliseconds\)$/);
    expect(filed[0]!.raw).toContain('ledger-close#run-x');
    const report = await buildDigest(deps, today, TZ);
    expect(report.unreadable).toBe(1);
  });

  it('sends exactly once when five runs race, and again only with force', async () => {
    const opts = { date: DATE, tz: TZ, from: config.sesFrom, to: config.sesTo };
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => runDigest(deps, opts)));
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status !== 'sent').every((o) => o.status === 'in-progress' || o.status === 'already-sent')).toBe(true);
    expect(await mailbox(config.sesTo[0]!)).toHaveLength(1);

    expect((await runDigest(deps, opts)).status).toBe('already-sent');
    expect((await runDigest(deps, { ...opts, force: true })).status).toBe('sent');
    expect(await mailbox(config.sesTo[0]!)).toHaveLength(2);
  });

  it('fails the Lambda run that finds the day claimed by a live run, so Lambda retries it, and sends nothing', async () => {
    const date = '2026-11-18';
    const held = await deps.ledger.claim(TZ, date, Date.now(), Date.now() + 60_000, false);
    expect(held.kind).toBe('claimed');
    const handler = createDigestHandler(deps, config, new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }));
    const context = { getRemainingTimeInMillis: () => 30_000 };
    await expect(handler({ date, tz: TZ }, context)).rejects.toThrow(
      new RegExp(`^the digest for ${date} \\(${TZ}\\) was not sent: in-progress: another run holds the claim on this day until `),
    );
    // --force does not take a live claim either.
    expect((await runDigest(deps, { date, tz: TZ, from: config.sesFrom, to: config.sesTo, force: true })).status).toBe('in-progress');
    expect((await mailbox(config.sesTo[0]!)).filter((m) => m.subject.includes(date))).toEqual([]);
  });

  it('records the day failed when SES cannot be reached, so the next run sends it', async () => {
    const unreachable = createClients({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { ses: `http://127.0.0.1:${await freePort()}` },
    });
    const opts = { date: '2026-11-19', tz: TZ, from: config.sesFrom, to: config.sesTo };
    try {
      const down = await runDigest({ ...deps, mailer: sesMailer(unreachable.ses) }, opts);
      expect(down.status).toBe('failed');
      expect(down.reason).toMatch(/^SendEmail failed 3 times without SES accepting the message: .*ECONNREFUSED/);
    } finally {
      unreachable.ses.destroy();
    }
    const retry = await runDigest(deps, opts);
    expect(retry.status).toBe('sent');
    expect(retry.report.source).toBe('summary');
  });
});

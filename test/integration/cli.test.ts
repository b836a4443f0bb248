import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, mailbox, testClients, testConfig } from '../support/local.ts';
import { runCli } from '../support/cli.ts';
import { tempDirForTest } from '../support/temp-dir.ts';

const BIN = fileURLToPath(new URL('../../infra/bin/failure-digest.js', import.meta.url));
const S3_LOG_FIXTURE = fileURLToPath(new URL('../fixtures/s3-access-logs/lines.log', import.meta.url));
const TZ = 'America/New_York';
const DATE = '2026-11-01'; // fall back: a 25-hour day in New York

describe('failure-digest CLI', () => {
  let clients: Clients;
  let config: DigestConfig;
  const saved = { ...process.env };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    const ddb = inject('ddbEndpoint');
    // The CLI reads only the standard variables, as it would against AWS; other credentials
    // and region than the tables were made with (DynamoDB Local runs one shared database).
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'SomeoneElse',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_ENDPOINT_URL_DYNAMODB: ddb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: ddb,
      AWS_ENDPOINT_URL_SESV2: inject('sesEndpoint'),
      DDB_TABLE: config.executionTable,
      SUMMARY_TABLE: config.summaryTable,
      REPORT_TZ: TZ,
      SES_FROM: config.sesFrom,
      SES_TO: config.sesTo.join(','),
    });
    await ensureLocalTables(clients.dynamodb, config);
    const w = dayWindow(DATE, TZ);
    await batchPutAll(clients.doc, config.executionTable, [
      { pk: 'etl-orders#run-1', status: 'FAILED', event_ts: w.start_ms + 1, message: 'first' },
      { pk: 'etl-orders#run-2', status: 'FAILED', event_ts: w.end_ms - 1, message: 'Error: last\n    at main (/app/run.js:1:1)' },
      { pk: 'etl-orders#run-3', status: 'SUCCESS', event_ts: w.start_ms + 5 },
      { pk: 'etl-orders#run-4', status: 'FAILED', event_ts: w.end_ms, message: 'next day' },
    ]);
  });

  afterAll(async () => {
    process.env = saved;
    await dropTables(clients, config);
  });

  it('window prints one JSON line for a 25-hour day', async () => {
    const run = await runCli('window', '--date', DATE, '--tz', TZ);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out[0]!)).toEqual({
      date: DATE,
      tz: TZ,
      start_ms: Date.parse('2026-11-01T04:00:00Z'),
      end_ms: Date.parse('2026-11-02T05:00:00Z'),
    });
  });

  it('refuses a wrong date or an unknown zone with a clear message and exit code 2', async () => {
    const bad = await runCli('window', '--date', '2026-13-01');
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toContain('Invalid date "2026-13-01"');
    const zone = await runCli('digest', '--date', DATE, '--tz', 'Europe/Pariss', '--dry-run');
    expect(zone.code).toBe(2);
    expect(zone.err.join('\n')).toContain('--tz="Europe/Pariss" is not a known time zone; did you mean Europe/Paris?');
  });

  it('capture --dry-run prints what the consumer would write, and the unreadable records on stderr', async () => {
    const run = await runCli('capture', '--event', 'test/fixtures/capture-event.json', '--dry-run', '--tz', 'Europe/Paris');
    expect(run.out.map((l) => JSON.parse(l))).toEqual([
      { pk: 'nightly-export#run-77', event_ts: 1795647599999, day: '2026-11-25', message: 'TimeoutError: upstream API did not answer in 900 s' },
    ]);
    expect(run.err).toHaveLength(1);
    expect(JSON.parse(run.err[0]!)).toMatchObject({ record: 3, eventID: 'a87ff679a2f3e71d9181a67b7542122c', pk: 'ledger-close#run-9', sequence: '444' });
    expect(run.err[0]).toContain('looks like epoch seconds');
    expect(run.code).toBe(3);
  });

  it('digest --dry-run --json --out reads the GSI for an uncovered day and writes the email parts', async () => {
    const dir = await tempDirForTest('fd-out-');
    const run = await runCli('digest', '--date', DATE, '--dry-run', '--json', '--out', dir);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out[0]!);
    expect(json).toMatchObject({ date: DATE, tz: TZ, source: 'gsi', count: 2, unreadable: 0, status: 'dry-run' });
    expect(json).not.toHaveProperty('failures');
    expect(json).toMatchObject({ previous_day_count: null, avg_7d: null, by_source: { 'execution-log': 2 }, verdict: '2 failures in 1 process; no earlier days to compare with' });
    // Two errors of one process, each once: the later first.
    const W = dayWindow(DATE, TZ);
    expect(json.groups).toEqual([
      { process: 'etl-orders', signature: expect.any(String), template: 'Error: last', count: 1, first_ts: W.end_ms - 1, last_ts: W.end_ms - 1, sample_message: 'Error: last\n    at main (/app/run.js:1:1)', sources: ['execution-log'], new: false, back: false },
      { process: 'etl-orders', signature: expect.any(String), template: 'first', count: 1, first_ts: W.start_ms + 1, last_ts: W.start_ms + 1, sample_message: 'first', sources: ['execution-log'], new: false, back: false },
    ]);
    const text = await readFile(join(dir, 'report.txt'), 'utf8');
    expect(text).toContain('1. etl-orders: 1 failure, at 23:59:59-05:00\n   latest (etl-orders#run-2): Error: last\n');
    expect(text).toContain('2. etl-orders: 1 failure, at 00:00:00-04:00\n   latest (etl-orders#run-1): first\n');
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<strong>etl-orders</strong>: <strong>1 failure</strong>');
    const csv = (await readFile(join(dir, 'report.csv'), 'utf8')).split('\r\n');
    expect(csv[0]).toBe('local_time,utc_time,process,signature_template,source,pk,message_head');
    expect(csv.slice(1, -1).map((line) => line.split(',')[5])).toEqual(['etl-orders#run-1', 'etl-orders#run-2']);
    expect(await readFile(join(dir, 'report.txt'), 'utf8')).toContain(`Every failure of the day is in the attached failures-${DATE}.csv (2 rows).`);
    // The raw message: the same subject, both parts and the CSV as an attachment.
    const eml = await readFile(join(dir, 'report.eml'), 'utf8');
    expect(eml).toMatch(new RegExp(`^Subject: failure-digest: 2 failures on ${DATE} \\(America/New_York\\)$`, 'm'));
    expect(eml).toMatch(/^Content-Type: multipart\/mixed;/m);
    expect(eml).toMatch(new RegExp(`^Content-Disposition: attachment; filename=failures-${DATE}\\.csv$`, 'm'));
    expect(eml).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
    expect(await mailbox(config.sesTo[0]!)).toHaveLength(0);
  });

  it('reprocess rebuilds the days, then --send mails each once', async () => {
    const run = await runCli('reprocess', '--from', '2026-10-31', '--to', DATE, '--send');
    expect(run.code).toBe(0);
    expect(run.out.map((l) => JSON.parse(l))).toEqual([
      { date: '2026-10-31', tz: TZ, entries: 0, unreadable: 0, rebuilt: true, complete: true },
      { date: DATE, tz: TZ, entries: 2, unreadable: 0, rebuilt: true, complete: true },
    ]);
    const mails = await mailbox(config.sesTo[0]!);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      `failure-digest: 2 failures on ${DATE} (${TZ})`,
      `failure-digest: no failures on 2026-10-31 (${TZ})`,
    ]);
    const again = await runCli('digest', '--date', DATE);
    expect(again.code).toBe(0);
    expect(again.err.join('\n')).toContain('already sent');
    expect(await mailbox(config.sesTo[0]!)).toHaveLength(2);
  });

  it('reprocess rebuilds a day that is not over but says it is not marked complete, and why', async () => {
    const today = reportDayOf(Date.now(), TZ);
    const run = await runCli('reprocess', '--from', today, '--to', today);
    expect(run.code).toBe(0);
    const line = JSON.parse(run.out[0]!);
    expect(line).toMatchObject({ date: today, tz: TZ, rebuilt: true, complete: false });
    expect(line.why).toMatch(/^the day is not over: it ends at .*; run reprocess again then$/);
    expect(run.err).toContain(`${today} (${TZ}) not marked complete: ${line.why}`);
  });

  it('names the missing settings when asked to send without them', async () => {
    delete process.env['SES_FROM'];
    try {
      const run = await runCli('digest', '--date', DATE, '--force');
      expect(run.code).toBe(2);
      expect(run.err.join('\n')).toContain('SES_FROM is required');
    } finally {
      process.env['SES_FROM'] = config.sesFrom;
    }
  });
});

// A real pipe to a real reader: the child process, stdin and EPIPE are the point here.
describe('failure-digest s3-logs parse in a pipeline', () => {
  it('reads standard input and stops quietly when the reader closes the pipe', async () => {
    const big = (await readFile(S3_LOG_FIXTURE, 'utf8')).repeat(200);
    const run = spawnSync('sh', ['-c', `node ${JSON.stringify(BIN)} s3-logs parse - | head -2`], { input: big, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
    expect(run.stderr).not.toMatch(/Error|EPIPE/);
  });
});

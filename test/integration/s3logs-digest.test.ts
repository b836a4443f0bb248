import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { generateBackupDay, type BackupDay } from '../../infra/local/demo-s3-logs.ts';
import { scheduledEvent } from '../../infra/local/scheduler.ts';
import { dropTables, mailbox, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';
import { runCli } from '../support/cli.ts';
import { gunzipSync } from 'node:zlib';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const TZ = 'Europe/Paris';
// A 25-hour day in Paris, long past, so every upload of it is beyond its grace period.
const DATE = '2026-10-25';
const W = dayWindow(DATE, TZ);

describe('from S3 access log files to the digest email', () => {
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let day: BackupDay;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    pipeline = await startTestPipeline(clients, config);
    const ddb = inject('ddbEndpoint');
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: ddb,
      DDB_TABLE: config.executionTable,
      SUMMARY_TABLE: config.summaryTable,
      S3LOG_BUCKETS: 'acme-backup-vault',
    });

    // Log objects as S3 delivers them, in a folder tree, one of them gzipped.
    day = generateBackupDay({ date: DATE, tz: TZ });
    dir = await makeTempDir('s3-access-logs-');
    await mkdir(join(dir, 'acme-backup-vault'), { recursive: true });
    for (const o of day.objects) await writeFile(join(dir, 'acme-backup-vault', o.name), o.body);
    // Another bucket's log, out of scope (S3LOG_BUCKETS).
    const other = generateBackupDay({ date: DATE, tz: TZ, bucket: 'someone-elses-bucket' });
    await writeFile(join(dir, 'other.log'), other.objects.map((o) => o.body.toString()).filter((t) => !t.startsWith('\x1f')).join(''));

    // The execution log's own failures of the same day.
    const put = (pk: string, ts: number, message: string) =>
      clients.dynamodb.send(
        new PutItemCommand({
          TableName: config.executionTable,
          Item: { pk: { S: pk }, status: { S: 'FAILED' }, event_ts: { N: String(ts) }, message: { S: message } },
        }),
      );
    await put('nightly-export#run-1', W.start_ms + 3 * 3_600_000, 'TimeoutError: upstream API');
    await put('nightly-export#run-2', W.start_ms + 5 * 3_600_000, 'TimeoutError: upstream API again');
  });

  afterAll(async () => {
    process.env = saved;
    await pipeline?.stop();
    await dropTables(clients, config);
    if (dir) await removeTempDir(dir);
  });

  it('ingests the folder with the CLI, twice, adding nothing the second time', async () => {
    const first = await runCli('s3-logs', 'ingest', dir);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.out[0]!);
    expect(summary).toMatchObject({ objects: day.objects.length + 1, malformed: 0, settled: { uploads: { incomplete: 1, completed: 1 } } });
    expect(first.err.join('\n')).toMatch(/uploads: 1 completed, 1 never completed/);
    await pipeline.settle(30_000);
    const captured = await pipeline.store.readDay(TZ, DATE);

    const second = await runCli('s3-logs', 'ingest', dir);
    expect(second.code).toBe(0);
    await pipeline.settle(30_000);
    const again = await pipeline.store.readDay(TZ, DATE);
    expect(again).toHaveLength(captured.length);
    expect(captured.filter((e) => e.source === 's3-access-log')).toHaveLength(4);
  });

  it('mails one digest in which the object\'s groups say what happened, beside the execution-log failures', async () => {
    const res = await pipeline.digest(scheduledEvent(Date.parse('2026-10-26T07:00:00Z'), 1, 's3-e2e'));
    expect(res).toMatchObject({ date: DATE, tz: TZ, status: 'sent', source: 'summary', count: 6 });

    const mails = await mailbox(config.sesTo[0]!);
    expect(mails).toHaveLength(1);
    const text = mails[0]!.body.text!;
    const object = `s3://acme-backup-vault/${day.failedKey}`;
    // A group per error signature: the failed parts, and the upload that never completed.
    expect(text.split(`${object} [s3-access-log]:`).length - 1).toBe(2);
    expect(text).toContain(`${object} [s3-access-log]: 3 failures, first 01:52:14+02:00, last 02:02:`);
    expect(text).toContain(`${object} [s3-access-log]: 1 failure, at 01:45:00+02:00`);
    expect(text).toContain('\nBy source: s3-access-log 4, execution-log 2.\n');
    expect(text).toMatch(
      new RegExp(`latest \\(${object.replace(/[.]/g, '\\.')}#[0-9A-F]{16}\\): ${day.failedKey.replace(/[.]/g, '\\.')}: 3 of 120 parts failed \\(SlowDown\\), upload never completed\\.`),
    );
    expect(text).toContain('6 failures in 2 processes; ');
    // Both new: capture has kept groups since before the week began, and none of its days had them.
    expect(text.split('. NEW nightly-export: 1 failure, at ').length - 1).toBe(2);
    expect(text).not.toContain(day.completedKey);
    expect(text).not.toContain('someone-elses-bucket');
    expect(mails[0]!.body.html).toContain('3 of 120 parts failed (SlowDown), upload never completed');
  });

  it('exports every failure of the day as the digest\'s CSV, compressed when asked', async () => {
    const plain = join(dir, 'export', 'day.csv');
    await mkdir(join(dir, 'export'), { recursive: true });
    const res = await runCli('export', '--date', DATE, '--tz', TZ, '--out', plain);
    expect(res.code).toBe(0);
    expect(res.err.join('\n')).toMatch(/wrote .*day\.csv: 6 failures of 2026-10-25 \(Europe\/Paris\) from the summary/);
    const rows = (await readFile(plain, 'utf8')).trim().split('\r\n');
    expect(rows[0]).toBe('local_time,utc_time,process,signature_template,source,pk,message_head');
    expect(rows).toHaveLength(7);
    const zipped = join(dir, 'export', 'day.csv.gz');
    expect((await runCli('export', '--date', DATE, '--tz', TZ, '--out', zipped)).code).toBe(0);
    expect(gunzipSync(await readFile(zipped)).toString('utf8').trim().split('\r\n')).toEqual(rows);
  });
});

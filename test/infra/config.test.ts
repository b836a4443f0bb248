import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { readStackConfig, StackConfigError } from '../../infra/stack/config.ts';
import { skippedDates } from '../../infra/stack/report-time.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/2026-01-01T00:00:00.000';
const REQUIRED = { sesFrom: 'reports@example.com', sesTo: 'ops@example.com' };

const read = (context: Record<string, unknown>) => readStackConfig((key) => context[key]);

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    read(context);
  } catch (e) {
    if (e instanceof StackConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a StackConfigError');
}

describe('stack context', () => {
  it('needs only sesFrom and sesTo, and documents its defaults', () => {
    expect(read(REQUIRED)).toEqual({
      reportTz: 'UTC',
      reportAt: { hour: 8, minute: 0 },
      sesFrom: 'reports@example.com',
      sesFromAddress: 'reports@example.com',
      sesTo: ['ops@example.com'],
      sendEmpty: true,
      sesSandbox: false,
      retentionDays: 90,
      logLevel: 'INFO',
      logRetention: RetentionDays.ONE_MONTH,
      gsiName: 'gsi_status_ts',
      adminTo: [],
      watchdogMarginMinutes: 60,
    });
  });

  it('reads every value, from -c strings or cdk.json types alike', () => {
    const config = read({
      reportTz: 'europe/paris',
      reportAt: '07:30',
      sesFrom: 'Failure digest <reports@example.com>',
      sesTo: 'a@example.com, b@example.org',
      alarmEmail: 'oncall@example.com',
      retentionDays: 400,
      sendEmpty: false,
      sesSandbox: 'true',
      logLevel: 'debug',
      logRetentionDays: '90',
      gsiName: 'by_status',
    });
    expect(config).toMatchObject({
      reportTz: 'Europe/Paris',
      reportAt: { hour: 7, minute: 30 },
      sesFrom: 'Failure digest <reports@example.com>',
      sesFromAddress: 'reports@example.com',
      sesTo: ['a@example.com', 'b@example.org'],
      alarmEmail: 'oncall@example.com',
      retentionDays: 400,
      sendEmpty: false,
      sesSandbox: true,
      logLevel: 'DEBUG',
      logRetention: RetentionDays.THREE_MONTHS,
      gsiName: 'by_status',
    });
    expect(config.existingTable).toBeUndefined();
  });

  it('lists every problem at once, naming the context key', () => {
    const problems = problemsOf({
      reportTz: 'Mars/Olympus',
      reportAt: '8:00',
      sesTo: 'ops@example.com,not-an-address',
      retentionDays: '0',
      sendEmpty: 'maybe',
      logLevel: 'LOUD',
      logRetentionDays: '45',
    });
    expect(problems).toHaveLength(8);
    expect(problems.join('\n')).toMatch(/reportTz="Mars\/Olympus" is not a known time zone/);
    expect(problems.join('\n')).toMatch(/reportAt="8:00" must be a local time as HH:MM/);
    expect(problems.join('\n')).toMatch(/sesFrom is required/);
    expect(problems.join('\n')).toMatch(/sesTo="not-an-address" is not an e-mail address/);
    expect(problems.join('\n')).toMatch(/retentionDays="0" must be a whole number/);
    expect(problems.join('\n')).toMatch(/sendEmpty="maybe" must be true or false/);
    expect(problems.join('\n')).toMatch(/logLevel="LOUD" must be one of/);
    expect(problems.join('\n')).toMatch(/logRetentionDays="45" is not a CloudWatch Logs retention/);
  });

  it('refuses a reportAt that capture cannot make complete by, and accepts the first time it can', () => {
    expect(problemsOf({ ...REQUIRED, reportAt: '00:30' })).toEqual([
      'reportAt=00:30 is too early: capture needs 30 min after the day ends to show it complete, plus 1 h where the clocks change that night; use reportAt=01:30 or later',
    ]);
    expect(read({ ...REQUIRED, reportAt: '01:30' }).reportAt).toEqual({ hour: 1, minute: 30 });
  });

  it('refuses a fixed UTC offset, the defect this product replaces', () => {
    expect(problemsOf({ ...REQUIRED, reportTz: '+02:00' })[0]).toMatch(/^reportTz="\+02:00" is a fixed UTC offset \(\+02:00\), not a time zone: .*daylight saving time/);
  });

  it('refuses more recipients than one SES message takes', () => {
    const sesTo = Array.from({ length: 51 }, (_, i) => `r${i}@example.com`).join(',');
    expect(problemsOf({ ...REQUIRED, sesTo })).toEqual(['sesTo has 51 addresses; SES takes at most 50']);
  });

  describe('existing execution-log table', () => {
    it('attaches by name and stream ARN, taking account and region from the ARN', () => {
      expect(read({ ...REQUIRED, tableName: 'existing-logs', tableStreamArn: STREAM_ARN }).existingTable).toEqual({
        tableName: 'existing-logs',
        tableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs',
        streamArn: STREAM_ARN,
        account: '123456789012',
        region: 'eu-west-1',
      });
    });

    it('takes the table name from the stream ARN when only the ARN is given', () => {
      expect(read({ ...REQUIRED, tableStreamArn: STREAM_ARN }).existingTable?.tableName).toBe('existing-logs');
    });

    it('needs the stream ARN with a table name, and says where to find it', () => {
      expect(problemsOf({ ...REQUIRED, tableName: 'existing-logs' })).toEqual([
        'tableStreamArn is required with tableName; find it with: aws dynamodb describe-table --table-name existing-logs --query Table.LatestStreamArn',
      ]);
    });

    it('refuses a stream ARN of another table, or no stream ARN at all', () => {
      expect(problemsOf({ ...REQUIRED, tableName: 'other', tableStreamArn: STREAM_ARN })).toEqual([
        'tableStreamArn belongs to table "existing-logs", not to tableName="other"',
      ]);
      expect(problemsOf({ ...REQUIRED, tableStreamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs' })[0]).toMatch(
        /is not a DynamoDB stream ARN/,
      );
    });
  });

  it('makes `cdk synth` exit non-zero with the list, not a stack trace', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'failure-digest-cdk-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        cwd: ROOT,
        encoding: 'utf8',
        // What the CDK CLI hands the app for `-c reportTz=Mars/Olympus`.
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ reportTz: 'Mars/Olympus' }) },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Invalid context for the failure-digest stack:');
      expect(run.stderr).toContain('reportTz="Mars/Olympus" is not a known time zone');
      expect(run.stderr).toContain('sesFrom is required');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('cdk.json runs the app with tsx', () => {
    const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { app: string };
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
  });
});

describe('skippedDates', () => {
  const from = Date.parse('2026-01-01T00:00:00Z');

  it('finds the spring-forward day on which a time in the skipped hour does not exist', () => {
    expect(skippedDates({ hour: 2, minute: 30 }, 'Europe/Paris', from)).toEqual(['2026-03-29']);
    expect(skippedDates({ hour: 0, minute: 0 }, 'America/Santiago', from)).toEqual(['2026-09-06']);
  });

  it('finds none for a time outside the skipped hour, or in a zone without DST', () => {
    expect(skippedDates({ hour: 8, minute: 0 }, 'Europe/Paris', from)).toEqual([]);
    expect(skippedDates({ hour: 2, minute: 30 }, 'UTC', from)).toEqual([]);
    expect(skippedDates({ hour: 2, minute: 30 }, 'Asia/Kolkata', from)).toEqual([]);
  });
});

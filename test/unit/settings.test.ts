import { describe, expect, it } from 'vitest';
import { readStackConfig, StackConfigError } from '../../infra/stack/config.ts';
import { main } from '../../infra/cli/main.ts';
import { captureEnv, digestEnv, loadAdminTo, loadCaptureConfig, loadDigestConfig, loadS3LogConfig, s3LogEnv } from '../../shared/settings/components.ts';
import { ConfigError } from '../../shared/settings/errors.ts';
import { SETTINGS, type SettingKey } from '../../shared/settings/settings.ts';

const MAIL = { SES_FROM: 'failure-digest@example.com', SES_TO: 'ops@example.com' };
const CONTEXT_MAIL = { sesFrom: 'failure-digest@example.com', sesTo: 'ops@example.com' };

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadDigestConfig', () => {
  it('has defaults for everything but the mail addresses', () => {
    expect(loadDigestConfig(MAIL)).toEqual({
      summaryTable: 'failure-digest-summary',
      reportTz: 'UTC',
      retentionDays: 90,
      executionTable: 'execution-logs',
      gsiName: 'gsi_status_ts',
      sesFrom: 'failure-digest@example.com',
      sesTo: ['ops@example.com'],
      reportAt: { hour: 8, minute: 0 },
      sendEmpty: true,
      captureWaitSeconds: 180,
      sendTimeoutSeconds: 60,
      onFailureQueueUrls: [],
      adminTopicArn: undefined,
      reportArchive: undefined,
      watchdogMarginMinutes: 60,
    });
  });

  it('reads every variable', () => {
    const config = loadDigestConfig({
      ...MAIL,
      DDB_TABLE: 'prod.execution-logs',
      GSI_NAME: 'by_status',
      SUMMARY_TABLE: 'digest_summary',
      REPORT_TZ: 'europe/paris',
      REPORT_AT: '23:59',
      SUMMARY_RETENTION_DAYS: '30',
      SEND_EMPTY: 'no',
    });
    expect(config).toMatchObject({
      executionTable: 'prod.execution-logs',
      gsiName: 'by_status',
      summaryTable: 'digest_summary',
      reportTz: 'Europe/Paris',
      reportAt: { hour: 23, minute: 59 },
      retentionDays: 30,
      sendEmpty: false,
    });
  });

  it('splits SES_TO on the commas between mailboxes and trims each, keeping a quoted name with a comma whole', () => {
    const config = loadDigestConfig({ SES_FROM: 'Failure Digest <digest@example.com>', SES_TO: ' a@example.com, b@example.org ,"Ops, night" <ops@example.net> ' });
    expect(config.sesTo).toEqual(['a@example.com', 'b@example.org', '"Ops, night" <ops@example.net>']);
    expect(config.sesFrom).toBe('Failure Digest <digest@example.com>');
  });

  it.each([
    ['ops@x.com,,bad', ['SES_TO="ops@x.com,,bad" has no address at position 2', 'SES_TO="bad" is not an e-mail address']],
    [' a@example.com, b@example.org ,,Ops <ops@example.net>, ', ['SES_TO="a@example.com, b@example.org ,,Ops <ops@example.net>," has no address at positions 3 and 5']],
    [',,,', ['SES_TO=",,," has no address']],
    ['a@example.com b@example.com', ['SES_TO="a@example.com b@example.com" holds 2 addresses; separate addresses with commas']],
    ['a@example.com;b@example.com', ['SES_TO="a@example.com;b@example.com" holds 2 addresses; separate addresses with commas']],
  ])('refuses SES_TO=%j, naming each bad entry', (raw, problems) => {
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, SES_TO: raw }))).toEqual(problems);
  });

  it('refuses a SES_FROM that is a list', () => {
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, SES_FROM: 'a@example.com, b@example.com' }))).toEqual([
      'SES_FROM="a@example.com, b@example.com" must be one address, not a list',
    ]);
  });

  it('lists every problem at once in one ConfigError, each naming the setting and the value', () => {
    const recipients = Array.from({ length: 51 }, (_, i) => `ops${i}@example.com`);
    const problems = problemsOf(() =>
      loadDigestConfig({
        REPORT_TZ: 'Mars/Olympus_Mons',
        REPORT_AT: '25:00',
        SES_TO: [...recipients, 'ops@@x'].join(','),
        DDB_TABLE: 'ab',
      }),
    );
    expect([...problems].sort()).toEqual(
      [
        'DDB_TABLE="ab" is not a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ - .)',
        'REPORT_AT="25:00" must be a local time as HH:MM from 00:00 to 23:59, e.g. 08:00',
        'REPORT_TZ="Mars/Olympus_Mons" is not a known time zone: use an IANA zone name such as Europe/Paris, America/New_York or Asia/Kolkata, or UTC',
        `SES_FROM is required: ${SETTINGS.sesFrom.hint}`,
        'SES_TO="ops@@x" is not an e-mail address',
        'SES_TO has 52 addresses; SES takes at most 50',
      ].sort(),
    );
  });

  it('puts every problem in the error message', () => {
    try {
      loadDigestConfig({ REPORT_AT: '8am' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/^Invalid configuration:\n {2}- /);
      expect((e as Error).message).toContain('REPORT_AT="8am"');
      expect((e as Error).message).toContain('SES_FROM is required');
      expect((e as Error).message).toContain('SES_TO is required');
    }
  });

  it('reads an empty REPORT_AT as the default 08:00', () => {
    expect(loadDigestConfig({ ...MAIL, REPORT_AT: '  ' }).reportAt).toEqual({ hour: 8, minute: 0 });
  });

  it('refuses 51 recipients and accepts 50', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `ops${i}@example.com`).join(',');
    expect(loadDigestConfig({ ...MAIL, SES_TO: list(50) }).sesTo).toHaveLength(50);
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, SES_TO: list(51) }))).toEqual(['SES_TO has 51 addresses; SES takes at most 50']);
  });

  it('does not need SES_FROM or SES_TO with requireEmail: false, but checks what is given', () => {
    const config = loadDigestConfig({}, { requireEmail: false });
    expect(config.sesFrom).toBe('');
    expect(config.sesTo).toEqual([]);
    expect(problemsOf(() => loadDigestConfig({ SES_TO: 'nope' }, { requireEmail: false }))).toEqual(['SES_TO="nope" is not an e-mail address']);
  });

  it('lets the --tz flag win over REPORT_TZ, and names the flag when it is wrong', () => {
    expect(loadDigestConfig({ ...MAIL, REPORT_TZ: 'Europe/Paris' }, { tz: 'Asia/Calcutta' }).reportTz).toBe('Asia/Kolkata');
    expect(loadDigestConfig({ ...MAIL, REPORT_TZ: 'Europe/Paris' }, { tz: undefined }).reportTz).toBe('Europe/Paris');
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, REPORT_TZ: 'Europe/Paris' }, { tz: 'Europe/Pariss' }))).toEqual([
      '--tz="Europe/Pariss" is not a known time zone; did you mean Europe/Paris?',
    ]);
  });
});

describe('loadCaptureConfig', () => {
  it('needs no SES variables', () => {
    expect(loadCaptureConfig({})).toEqual({ summaryTable: 'failure-digest-summary', reportTz: 'UTC', retentionDays: 90 });
  });
});

describe('the environment a stack writes', () => {
  it('reads back as the values it was written from, for every function', () => {
    const digest = loadDigestConfig({
      ...MAIL,
      SES_FROM: "O'Brien Reports <reports@example.com>",
      SES_TO: 'a@example.com,Ops <b@example.org>',
      REPORT_TZ: 'Asia/Kathmandu',
      REPORT_AT: '07:05',
      SEND_EMPTY: 'false',
      SUMMARY_RETENTION_DAYS: '400',
      CAPTURE_WAIT_SECONDS: '30',
      ON_FAILURE_QUEUE_URLS: 'https://sqs.eu-west-1.amazonaws.com/123456789012/on-failure,https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
    });
    expect(loadDigestConfig(digestEnv(digest))).toEqual(digest);
    expect(loadCaptureConfig(captureEnv(digest))).toEqual({ summaryTable: digest.summaryTable, reportTz: digest.reportTz, retentionDays: 400 });
    const s3 = { executionTable: 'logs', summaryTable: 'sums', retentionDays: 7, rules: { buckets: ['vault', 'b2-archive'], prefixes: ['a/', 'b c/'], operations: ['REST.PUT.*'], graceHours: 2.5 } };
    expect(loadS3LogConfig(s3LogEnv(s3))).toEqual({ ...s3, rules: { buckets: ['vault', 'b2-archive'], prefixes: ['a/', 'b c/'], operations: ['REST.PUT.*'], graceMs: 9_000_000 } });
  });
});

/**
 * One table of cases, held against every entry point that reads the
 * setting: the functions' environment, the CLI's flag and the CDK context.
 * Each must give the same value, or the same problem after the setting's name.
 */
type Case = { readonly key: SettingKey; readonly raw: string } & ({ readonly value: unknown } | { readonly problem: string });

const CASES: readonly Case[] = [
  { key: 'reportTz', raw: 'Asia/Calcutta', value: 'Asia/Kolkata' },
  { key: 'reportTz', raw: 'europe/paris', value: 'Europe/Paris' },
  { key: 'reportTz', raw: 'Etc/UTC', value: 'UTC' },
  { key: 'reportTz', raw: 'Europe/Pariss', problem: 'is not a known time zone; did you mean Europe/Paris?' },
  ...['+03:00', 'Etc/GMT+5', 'EST', 'UTC+3'].map((raw) => ({ key: 'reportTz' as const, raw, problem: 'is a fixed UTC offset' })),
  { key: 'reportAt', raw: '07:30', value: { hour: 7, minute: 30 } },
  { key: 'reportAt', raw: '7:30', problem: 'must be a local time as HH:MM from 00:00 to 23:59, e.g. 08:00' },
  { key: 'sendEmpty', raw: 'yes', value: true },
  { key: 'sendEmpty', raw: 'FALSE', value: false },
  { key: 'sendEmpty', raw: '0', value: false },
  { key: 'sendEmpty', raw: 'maybe', problem: 'must be true or false' },
  { key: 'retentionDays', raw: '3650', value: 3650 },
  { key: 'retentionDays', raw: '3651', problem: 'must be a whole number from 1 to 3650' },
  { key: 'retentionDays', raw: '1.5', problem: 'must be a whole number from 1 to 3650' },
  { key: 'sesTo', raw: 'ops@example.com, Oncall <oncall@example.org>', value: ['ops@example.com', 'Oncall <oncall@example.org>'] },
  { key: 'sesTo', raw: 'ops@@x', problem: 'is not an e-mail address' },
  { key: 'sesFrom', raw: 'Reports <reports@example.com>', value: 'Reports <reports@example.com>' },
  { key: 'sesFrom', raw: 'reports at example', problem: 'is not an e-mail address' },
  { key: 'gsiName', raw: 'by_status', value: 'by_status' },
  { key: 'gsiName', raw: 'x', problem: 'is not a DynamoDB index name (3 to 255 of a-z A-Z 0-9 _ - .)' },
  { key: 's3LogBuckets', raw: 'vault,Bad_Bucket', problem: 'is not an S3 bucket name' },
  { key: 's3LogGraceHours', raw: '0', problem: 'must be a number of hours above 0 and at most 168' },
  { key: 's3LogOperations', raw: 'REST.PUT.*,writes', value: ['REST.PUT.*', 'writes'] },
  { key: 'adminTo', raw: 'admin@example.com,oncall@example.org', value: ['admin@example.com', 'oncall@example.org'] },
  { key: 'watchdogMarginMinutes', raw: '90', value: 90 },
  { key: 'watchdogMarginMinutes', raw: '5', problem: 'must be a whole number from 10 to 720' },
];

type Reading = { readonly value: unknown } | { readonly problem: string };

/** The value the entry point read, or its one problem with the setting's name and the quoted text cut off. */
function reading(fn: () => unknown, name: string): Reading {
  try {
    return { value: fn() };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.problems).toHaveLength(1);
    const problem = e.problems[0]!;
    expect(problem.startsWith(name)).toBe(true);
    return { problem: problem.slice(name.length).replace(/^="[^"]*" /, '').replace(/^ /, '') };
  }
}

const ENV_READERS: Partial<Record<SettingKey, (env: Record<string, string>) => unknown>> = {};
for (const key of ['summaryTable', 'reportTz', 'retentionDays'] as const) ENV_READERS[key] = (env) => loadCaptureConfig(env)[key];
for (const key of ['reportAt', 'sendEmpty', 'sesFrom', 'sesTo', 'gsiName'] as const) ENV_READERS[key] = (env) => loadDigestConfig({ ...MAIL, ...env })[key];
const s3 = (env: Record<string, string>) => loadS3LogConfig(env).rules;
ENV_READERS.s3LogBuckets = (env) => s3(env).buckets;
ENV_READERS.s3LogOperations = (env) => s3(env).operations;
ENV_READERS.s3LogGraceHours = (env) => s3(env).graceMs / 3_600_000;
ENV_READERS.adminTo = (env) => loadAdminTo(env);
ENV_READERS.watchdogMarginMinutes = (env) => loadDigestConfig({ ...MAIL, ...env }).watchdogMarginMinutes;

const STACK_FIELDS: Partial<Record<SettingKey, (c: ReturnType<typeof readStackConfig>) => unknown>> = {
  reportTz: (c) => c.reportTz,
  reportAt: (c) => c.reportAt,
  sendEmpty: (c) => c.sendEmpty,
  retentionDays: (c) => c.retentionDays,
  sesTo: (c) => c.sesTo,
  sesFrom: (c) => c.sesFrom,
  gsiName: (c) => c.gsiName,
  s3LogBuckets: (c) => c.s3AccessLogs?.buckets,
  s3LogOperations: (c) => c.s3AccessLogs?.operations,
  s3LogGraceHours: (c) => c.s3AccessLogs?.graceHours,
  adminTo: (c) => c.adminTo,
  watchdogMarginMinutes: (c) => c.watchdogMarginMinutes,
};

async function cliZone(raw: string): Promise<Reading> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'failure-digest', 'window', '--date', '2026-11-25', '--tz', raw], { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
  if (code === 0) return { value: (JSON.parse(out[0]!) as { tz: string }).tz };
  const line = err.join('\n');
  const m = /--tz="[^"]*" (.*)$/.exec(line);
  if (!m) throw new Error(`the CLI said: ${line}`);
  return { problem: m[1]! };
}

describe('every entry point reads a setting alike', () => {
  const expected = (c: Case): Reading => ('value' in c ? { value: c.value } : { problem: c.problem });
  const same = (got: Reading, c: Case) => {
    if ('value' in c) expect(got).toEqual({ value: c.value });
    else if ('problem' in got) expect(got.problem.startsWith(c.problem)).toBe(true);
    else expect(got).toEqual(expected(c));
  };

  it.each(CASES.map((c) => [`${c.key}=${c.raw}`, c] as const))('%s', async (_name, c) => {
    const s = SETTINGS[c.key] as { env?: string; context?: string; flag?: string };
    let surfaces = 0;
    const env = ENV_READERS[c.key];
    if (s.env && env) {
      same(reading(() => env({ [s.env!]: c.raw }), s.env), c);
      surfaces += 1;
    }
    const field = STACK_FIELDS[c.key];
    if (s.context && field) {
      const s3: Record<string, string> = c.key.startsWith('s3Log') ? { s3AccessLogs: 'true', reportAt: '10:00' } : {};
      const context: Record<string, string> = { ...CONTEXT_MAIL, ...s3, [s.context]: c.raw };
      const read = () => field(readStackConfig((k) => context[k]));
      same(reading(read, s.context), c);
      surfaces += 1;
    }
    if (s.flag === '--tz') {
      same(await cliZone(c.raw), c);
      surfaces += 1;
    }
    expect(surfaces).toBeGreaterThanOrEqual(2);
  });

  it('reads every setting that has both names in the table above', () => {
    const both = (Object.keys(SETTINGS) as SettingKey[]).filter((k) => {
      const s = SETTINGS[k] as { env?: string; context?: string };
      return s.env !== undefined && s.context !== undefined;
    });
    const covered = new Set(CASES.map((c) => c.key));
    expect(both.filter((k) => !covered.has(k) && k !== 's3LogPrefixes')).toEqual([]);
  });

  it('refuses context problems with the stack heading', () => {
    expect(() => readStackConfig(() => undefined)).toThrow(StackConfigError);
  });
});

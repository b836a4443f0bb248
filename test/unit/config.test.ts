import { describe, expect, it } from 'vitest';
import { ConfigError, loadCaptureConfig, loadDigestConfig } from '../../shared/config.ts';

const MAIL = { SES_FROM: 'failure-digest@example.com', SES_TO: 'ops@example.com' };

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

  it('splits SES_TO on commas, trims, and drops empty parts', () => {
    const config = loadDigestConfig({ SES_FROM: 'Failure Digest <digest@example.com>', SES_TO: ' a@example.com, b@example.org ,,Ops <ops@example.net>, ' });
    expect(config.sesTo).toEqual(['a@example.com', 'b@example.org', 'Ops <ops@example.net>']);
    expect(config.sesFrom).toBe('Failure Digest <digest@example.com>');
  });

  it('lists every problem at once in one ConfigError', () => {
    const recipients = Array.from({ length: 51 }, (_, i) => `ops${i}@example.com`);
    const problems = problemsOf(() =>
      loadDigestConfig({
        REPORT_TZ: 'Mars/Olympus_Mons',
        REPORT_AT: '25:00',
        SES_TO: [...recipients, 'not-an-email'].join(','),
        DDB_TABLE: 'ab',
      }),
    );
    const all = problems.join('\n');
    expect(all).toContain('Mars/Olympus_Mons');
    expect(all).toMatch(/REPORT_AT="25:00"/);
    expect(all).toMatch(/SES_FROM is required/);
    expect(all).toMatch(/"not-an-email" is not an email address/);
    expect(all).toMatch(/SES_TO has 52 addresses/);
    expect(all).toMatch(/DDB_TABLE="ab"/);
    expect(problems).toHaveLength(6);
  });

  it('puts every problem in the error message', () => {
    try {
      loadDigestConfig({ REPORT_AT: '8am' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('REPORT_AT="8am"');
      expect((e as Error).message).toContain('SES_FROM is required');
      expect((e as Error).message).toContain('SES_TO is required');
    }
  });

  it.each(['25:00', '8am', '8:00', '24:00', '12:60', '0800'])('refuses REPORT_AT %j', (value) => {
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, REPORT_AT: value })).join('\n')).toContain(`REPORT_AT="${value}"`);
  });

  it('reads an empty REPORT_AT as the default 08:00', () => {
    expect(loadDigestConfig({ ...MAIL, REPORT_AT: '  ' }).reportAt).toEqual({ hour: 8, minute: 0 });
  });

  it('refuses 51 recipients and accepts 50', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `ops${i}@example.com`).join(',');
    expect(loadDigestConfig({ ...MAIL, SES_TO: list(50) }).sesTo).toHaveLength(50);
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, SES_TO: list(51) }))).toEqual([
      'SES_TO has 51 addresses; SES takes at most 50',
    ]);
  });

  it('refuses a bad SES_FROM', () => {
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, SES_FROM: 'digest at example' })).join('\n')).toContain('SES_FROM');
  });

  it('refuses a fixed-offset zone', () => {
    expect(problemsOf(() => loadDigestConfig({ ...MAIL, REPORT_TZ: '+01:00' })).join('\n')).toContain('REPORT_TZ');
  });

  it('refuses a bad retention and a bad SEND_EMPTY', () => {
    const problems = problemsOf(() => loadDigestConfig({ ...MAIL, SUMMARY_RETENTION_DAYS: '0', SEND_EMPTY: 'maybe' }));
    expect(problems.join('\n')).toContain('SUMMARY_RETENTION_DAYS="0"');
    expect(problems.join('\n')).toContain('SEND_EMPTY="maybe"');
  });

  it('does not need SES_FROM or SES_TO with requireEmail: false', () => {
    const config = loadDigestConfig({}, { requireEmail: false });
    expect(config.sesFrom).toBe('');
    expect(config.sesTo).toEqual([]);
  });

  it('still checks addresses that are given with requireEmail: false', () => {
    expect(problemsOf(() => loadDigestConfig({ SES_TO: 'nope' }, { requireEmail: false })).join('\n')).toContain('"nope"');
  });
});

describe('loadCaptureConfig', () => {
  it('needs no SES variables', () => {
    expect(loadCaptureConfig({})).toEqual({ summaryTable: 'failure-digest-summary', reportTz: 'UTC', retentionDays: 90 });
  });

  it('canonicalises the zone and checks the table name', () => {
    expect(loadCaptureConfig({ REPORT_TZ: 'asia/kolkata' }).reportTz).toBe('Asia/Kolkata');
    const problems = problemsOf(() => loadCaptureConfig({ SUMMARY_TABLE: 'ab', REPORT_TZ: 'Nowhere/Atlantis' }));
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('SUMMARY_TABLE="ab"');
    expect(problems.join('\n')).toContain('Nowhere/Atlantis');
  });
});

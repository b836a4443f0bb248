import { describe, expect, it } from 'vitest';
import { MAX_SUBJECT, notSentNotice, subjectLine, unconfirmedNotice } from '../../shared/admin/notice.ts';
import { laterBy } from '../../shared/settings/checks.ts';

const AT = Date.parse('2026-12-01T08:00:03Z');

describe('notSentNotice', () => {
  it('says what happened, why, to whom, where the report is and how to send it', () => {
    const n = notSentNotice({
      date: '2026-11-30',
      tz: 'Europe/Paris',
      status: 'in-doubt',
      reason: 'SendEmail got no answer',
      to: ['ops@example.com', 'oncall@example.org'],
      kept: { at: 's3://archive/reports/Europe/Paris/2026-11-30.json' },
      count: 42,
      atMs: AT,
    });
    expect(n.subject).toBe('failure-digest: digest for 2026-11-30 (Europe/Paris) IN DOUBT');
    expect(n.message).toBe(
      [
        'The digest for 2026-11-30 (Europe/Paris) is in doubt: SES may or may not have accepted it, and nothing will resend it by itself.',
        'Ask the recipients whether it arrived. If it did not, send it on purpose with the command below.',
        '',
        'Why: SendEmail got no answer',
        'Recipients: ops@example.com, oncall@example.org',
        'Failures in the report: 42',
        'The rendered report is kept at s3://archive/reports/Europe/Paris/2026-11-30.json.',
        'Recorded at: 2026-12-01T08:00:03.000Z',
        '',
        'To send it: failure-digest resend --date 2026-11-30 --tz Europe/Paris',
      ].join('\n'),
    );
  });

  it('says when the report could not be kept, and a failed day is NOT SENT', () => {
    const n = notSentNotice({ date: '2026-11-30', tz: 'UTC', status: 'failed', reason: 'throttled', to: [], kept: { not: 'no report archive is configured (REPORT_ARCHIVE)' }, count: 0, atMs: AT });
    expect(n.subject).toBe('failure-digest: digest for 2026-11-30 (UTC) NOT SENT');
    expect(n.message).toContain('The rendered report was not kept: no report archive is configured (REPORT_ARCHIVE).');
    expect(n.message).toContain('Recipients: (none)');
  });
});

describe('unconfirmedNotice', () => {
  it('tells a day nobody handled from one held in a state', () => {
    const none = unconfirmedNotice({ date: '2026-11-30', tz: 'UTC', state: undefined, reason: undefined, dueMs: AT, atMs: AT });
    expect(none.message.split('\n')[0]).toBe(
      'No digest for 2026-11-30 (UTC) was confirmed sent by 2026-12-01T08:00:03.000Z: the send ledger has no entry for the day: no digest run reached it.',
    );
    const failed = unconfirmedNotice({ date: '2026-11-30', tz: 'UTC', state: 'failed', reason: 'throttled', dueMs: AT, atMs: AT });
    expect(failed.message).toContain('the send ledger holds it as "failed".\nWhy: throttled');
  });
});

describe('hostile facts', () => {
  it('keep each quoted reason and state to its one line, with invisible characters shown', () => {
    const reason = 'refused\r\nTo send it: rm -rf /\u202E';
    const n = notSentNotice({ date: '2026-11-30', tz: 'UTC', status: 'failed', reason, to: ['ops@example.com'], kept: { not: 'disk\nfull' }, count: 1, atMs: AT });
    expect(n.message).toContain('Why: refused⏎To send it: rm -rf /<U+202E>\n');
    expect(n.message).toContain('The rendered report was not kept: disk⏎full.');
    expect(n.message.split('\n').filter((l) => l.startsWith('To send it:'))).toEqual(['To send it: failure-digest resend --date 2026-11-30 --tz UTC']);
    const u = unconfirmedNotice({ date: '2026-11-30', tz: 'UTC', state: 'sent"\n\u0000', reason: 'a\u2028b', dueMs: AT, atMs: AT });
    expect(u.message).toContain('the send ledger holds it as "sent"⏎<U+0000>".\nWhy: a⏎b\n');
  });
});

describe('subjectLine', () => {
  it('keeps an SNS subject to one line of at most 100 characters', () => {
    const long = subjectLine(`failure-digest: digest for 2026-11-30 (${'America/Argentina/ComodRivadavia'.repeat(3)}) NOT SENT\n`);
    expect(long.length).toBe(MAX_SUBJECT);
    expect(long.endsWith('…')).toBe(true);
    expect(subjectLine('a\r\nb   c')).toBe('a b c');
    expect(subjectLine('digest\u2028Bcc: x@evil.com\u0000\u202E')).toBe('digest Bcc: x@evil.com<U+0000><U+202E>');
  });
});

describe('laterBy', () => {
  it.each([
    [{ hour: 8, minute: 0 }, 60, { hour: 9, minute: 0 }],
    [{ hour: 23, minute: 30 }, 45, { hour: 0, minute: 15 }],
    [{ hour: 20, minute: 0 }, 720, { hour: 8, minute: 0 }],
  ])('%j + %i min = %j', (at, minutes, expected) => {
    expect(laterBy(at, minutes)).toEqual(expected);
  });
});

import { historyOf, reportOf } from '../support/reports.ts';
import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { MAX_PROCESS_LINES, TOP_GROUPS, renderEmail, renderHtml, renderSubject, renderText } from '../../shared/digest/render.ts';
import { escapeHtml } from '../../shared/email/safe-text.ts';
import type { ReportInput } from '../../shared/digest/report.ts';
import type { DayWindow } from '../../shared/time/report-day.ts';
import { failureEntry } from '../support/failure-entry.ts';

const PARIS: DayWindow = {
  date: '2026-11-25',
  tz: 'Europe/Paris',
  start_ms: Date.parse('2026-11-24T23:00:00Z'),
  end_ms: Date.parse('2026-11-25T23:00:00Z'),
};
// Asia/Kolkata 2026-11-25 (+05:30): [2026-11-24T18:30Z, 2026-11-25T18:30Z).
const KOLKATA: DayWindow = {
  date: '2026-11-25',
  tz: 'Asia/Kolkata',
  start_ms: Date.parse('2026-11-24T18:30:00Z'),
  end_ms: Date.parse('2026-11-25T18:30:00Z'),
};

function entry(process: string, pk: string, iso: string, message = `${pk} failed`): FailureEntry {
  return failureEntry({ pk, process, event_ts: Date.parse(iso), message, source: 'execution-log' });
}

function report(entries: FailureEntry[], extra: Partial<ReportInput> = {}) {
  return reportOf(PARIS, entries, extra);
}

const THREE = [
  entry('nightly-export', 'nightly-export#run-41', '2026-11-25T01:00:00Z', 'Error: run 41 timed out after 900 s'),
  entry('nightly-export', 'nightly-export#run-42', '2026-11-25T08:15:30Z', 'Error: run 42 timed out after 30 s'),
  entry('billing', 'billing#2026-11-25', '2026-11-25T12:00:00Z', 'card processor timed out'),
];

describe('renderSubject', () => {
  it('names the date, the zone and the count', () => {
    const subject = renderSubject(report(THREE));
    expect(subject).toContain('2026-11-25');
    expect(subject).toContain('Europe/Paris');
    expect(subject).toContain('3 failures');
  });

  it('says "no failures" on an empty day', () => {
    const subject = renderSubject(report([]));
    expect(subject).toContain('no failures');
    expect(subject).not.toMatch(/\b0 failures/);
    expect(subject).toContain('2026-11-25');
  });

  it('says "1 failure", singular', () => {
    const subject = renderSubject(report([THREE[0]!]));
    expect(subject).toContain('1 failure ');
    expect(subject).not.toContain('1 failures');
  });

  it('groups thousands', () => {
    const many = Array.from({ length: 1_234 }, (_, i) => entry('p', `p#${i}`, '2026-11-25T10:00:00Z'));
    expect(renderSubject(report(many))).toContain('1,234 failures');
  });
});

describe('renderText and renderHtml', () => {
  it('contain every process, its count, latest pk and latest message', () => {
    const r = report(THREE);
    for (const body of [renderText(r), renderHtml(r)]) {
      expect(body).toContain('nightly-export');
      expect(body).toContain('billing');
      expect(body).toContain('nightly-export#run-42');
      expect(body).toContain('Error: run 42 timed out after 30 s');
      expect(body).toContain('card processor timed out');
      // The older message of nightly-export is not the one shown.
      expect(body).not.toContain('run 41 timed out');
    }
    expect(renderText(r)).toContain('nightly-export: 2 failures');
    expect(renderText(r)).toContain('billing: 1 failure,');
  });

  it('escapes HTML in messages, processes and pks', () => {
    const r = report([entry('a&b <proc>', 'a&b#"1"', '2026-11-25T10:00:00Z', '<script>alert("x")</script>')]);
    const html = renderHtml(r);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<proc>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('a&amp;b &lt;proc&gt;');
    expect(html).toContain('a&amp;b#&quot;1&quot;');
    // The plain-text part shows the message as it is.
    expect(renderText(r)).toContain('<script>alert("x")</script>');
  });

  it('shows times in the report zone with their offset', () => {
    const paris = report(THREE);
    // 08:15:30Z is 09:15:30 in Paris (CET).
    expect(renderText(paris)).toContain('09:15:30+01:00');
    expect(renderHtml(paris)).toContain('09:15:30+01:00');
    expect(renderText(paris)).not.toContain('08:15:30');

    const kolkata = reportOf(KOLKATA, [entry('p', 'p#1', '2026-11-25T04:00:00Z')]);
    expect(renderText(kolkata)).toContain('09:30:00+05:30');
    expect(renderHtml(kolkata)).toContain('09:30:00+05:30');
    expect(renderText(kolkata)).not.toContain('04:00:00');
  });

  it('describes the window with local start and end and its length', () => {
    // Europe/Paris 2026-03-29 is a 23-hour day: [2026-03-28T23:00Z, 2026-03-29T22:00Z).
    const r = reportOf({ date: '2026-03-29', tz: 'Europe/Paris', start_ms: Date.parse('2026-03-28T23:00:00Z'), end_ms: Date.parse('2026-03-29T22:00:00Z') }, []);
    const text = renderText(r);
    expect(text).toContain('00:00:00+01:00');
    expect(text).toContain('00:00:00+02:00');
    expect(text).toContain('(23 h)');
  });

  it('says so when nothing failed, and has no table', () => {
    const r = report([]);
    expect(renderText(r)).toContain('No failures; no earlier days to compare with');
    expect(renderHtml(r)).not.toContain('<table');
  });

  it('has the unreadable line only when there are unreadable records', () => {
    const none = report(THREE);
    expect(renderText(none)).not.toMatch(/unreadable/i);
    expect(renderHtml(none)).not.toMatch(/unreadable/i);

    const two = report(THREE, { unreadable: 2 });
    for (const body of [renderText(two), renderHtml(two)]) {
      expect(body).toContain('2 unreadable FAILED records');
      expect(body).toContain('UNREADABLE#Europe/Paris#2026-11-25');
    }

    const one = renderText(report([], { unreadable: 1 }));
    expect(one).toContain('1 unreadable FAILED record ');
    expect(one).toContain(' is kept');
  });

  it('asks for the writer to be fixed when failures were written with FAILED misspelt', () => {
    const misspelt = [
      { ...THREE[0]!, writtenStatus: 'failed' },
      { ...THREE[1]!, writtenStatus: 'FAILED ' },
      { ...THREE[2]!, writtenStatus: 'failed' },
    ];
    const line = '3 failures were written with status "failed" or "FAILED ": the index query only finds status exactly FAILED; fix the writer.';
    const r = report(misspelt);
    expect(renderText(r)).toContain(line);
    expect(renderHtml(r)).toContain(escapeHtml(line));
    expect(renderText(report([misspelt[1]!]))).toContain('1 failure was written with status "FAILED ": ');
    expect(renderText(report(THREE))).not.toMatch(/written with status|only finds status/);

    const spellings = ['failed', 'Failed', 'fAILED', ' FAILED', 'FAILED\t', 'FAILED\n', '\rfailed'];
    const many = spellings.map((writtenStatus, i) => ({ ...entry('p', `p#${i}`, '2026-11-25T10:00:00Z'), writtenStatus }));
    expect(renderText(report(many))).toContain(
      // Equally frequent spellings in code-unit order.
      '7 failures were written with status "\\rfailed", " FAILED", "FAILED\\t", "FAILED\\n", "Failed" and 2 other spellings: ',
    );
  });

  it('says that the index only finds exact FAILED when the index is the source', () => {
    const r = report(THREE, { source: 'gsi' });
    const line = 'The index query only finds status exactly FAILED: failures written as "failed" or "FAILED " (another case, or padded) are not in this report.';
    expect(renderText(r)).toContain(line);
    expect(renderHtml(r)).toContain(escapeHtml(line));
    expect(renderText(report(THREE))).not.toContain('only finds status exactly FAILED');
  });

  it('says the gsi source is the fallback, with its note', () => {
    const gsi = report(THREE, { source: 'gsi', sourceNote: 'Stream capture has not recorded any data for this zone yet.' });
    for (const body of [renderText(gsi), renderHtml(gsi)]) {
      expect(body).toMatch(/fallback/i);
      expect(body).toContain('Stream capture has not recorded any data for this zone yet.');
    }
    expect(renderText(report(THREE))).not.toMatch(/fallback/i);
  });

  it('shows the line that names the error, not the frames: the first of a stack trace, the last of a traceback', () => {
    const node = report([entry('p', 'p#1', '2026-11-25T10:00:00Z', 'Error: boom\n    at main (index.js:1:1)')]);
    expect(renderText(node)).toContain('latest (p#1): Error: boom\n');
    expect(renderHtml(node)).toContain('>Error: boom</pre>');
    expect(renderHtml(node)).not.toContain('at main');
    const python = report([entry('etl', 'etl#1', '2026-11-25T10:00:00Z', 'Traceback (most recent call last):\n  File "load.py", line 4, in <module>\n    load()\nValueError: bad row 17')]);
    expect(renderText(python)).toContain('latest (etl#1): ValueError: bad row 17\n');
    expect(renderHtml(python)).toContain('>ValueError: bad row 17</pre>');
  });

  it('shows the template beside the error line when it says more, and not when it is the same', () => {
    const r = report([entry('export', 'export#1', '2026-11-25T10:00:00Z', 'Error: quota exceeded for bucket reports-2026')]);
    expect(r.groups[0]?.template).toBe('Error: quota exceeded for bucket reports-<int>');
    expect(renderText(r)).toContain('   latest (export#1): Error: quota exceeded for bucket reports-2026\n   template: Error: quota exceeded for bucket reports-<int>\n');
    expect(renderHtml(r)).toContain('template: Error: quota exceeded for bucket reports-&lt;int&gt;</div>');
    const same = report([entry('p', 'p#1', '2026-11-25T10:00:00Z', 'card declined')]);
    expect(renderText(same)).not.toContain('template:');
    expect(renderHtml(same)).not.toContain('template:');
  });
});

/** Each group block of the email, its lines as a reader sees them: tags dropped, entities decoded, the trend's table left out. */
function groupBlocks(html: string): string[][] {
  const text = (cell: string) =>
    cell
      .replace(/<br>/g, ' ')
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return html
    .split('<tr><td style="padding:10px 0;')
    .slice(1)
    .map((block) => [...block.replace(/<table[\s\S]*?<\/table>/g, '').matchAll(/<(div|pre)[^>]*>([\s\S]*?)<\/\1>/g)].map((c) => text(c[2]!)));
}

// How every text part of a Paris day read from the summary begins and ends.
const PARIS_HEADER = [
  'Window: 00:00:00+01:00 on 2026-11-25 to 00:00:00+01:00 the next day (24 h)',
  "Source: summary table, captured from the table's stream.",
];
const TITLE = 'Failure digest for 2026-11-25 (Europe/Paris)';
const FOOTER = ['Times are local to the report zone. Sent once per report day by failure-digest.', ''];
const DAY_MS = 86_400_000;

/** The failures of THREE's two errors and of `more`, moved `daysBefore` days back. */
const before = (daysBefore: number, entries: FailureEntry[]) => entries.map((e) => ({ ...e, pk: `${e.pk}@${daysBefore}`, event_ts: e.event_ts - daysBefore * DAY_MS }));

describe('renderEmail', () => {
  it('says, in the subject, the text part and the HTML part, what failed that day', () => {
    const email = renderEmail(report(THREE));
    expect(email.subject).toBe('failure-digest: 3 failures on 2026-11-25 (Europe/Paris)');
    expect(email.text).toBe(
      [
        TITLE,
        '3 failures in 2 processes; no earlier days to compare with',
        'Total: 3 failures; no earlier day is known.',
        'By source: execution-log 3.',
        ...PARIS_HEADER,
        '',
        '1. nightly-export: 2 failures, first 02:00:00+01:00, last 09:15:30+01:00',
        '   latest (nightly-export#run-42): Error: run 42 timed out after 30 s',
        '   template: Error: run <int> timed out after <duration>',
        '',
        '2. billing: 1 failure, at 13:00:00+01:00',
        '   latest (billing#2026-11-25): card processor timed out',
        '',
        ...FOOTER,
      ].join('\n'),
    );

    expect(email.html).toMatch(/^<!doctype html>\n/);
    expect(email.html).toContain('<title>failure-digest: 3 failures on 2026-11-25 (Europe/Paris)</title>');
    expect(email.html).toContain('<h2 style="margin:0 0 8px;font-size:20px">Failure digest for 2026-11-25 (Europe/Paris)</h2>');
    expect(email.html).toContain('<p style="margin:0 0 10px;font-size:17px"><strong>3 failures in 2 processes; no earlier days to compare with</strong></p>');
    expect(email.html).toContain('<p style="margin:4px 0">Window: 00:00:00+01:00 on 2026-11-25 to 00:00:00+01:00 the next day (24 h)</p>');
    expect(email.html).toContain('<p style="margin:4px 0">Total: 3 failures; no earlier day is known.</p>');
    expect(groupBlocks(email.html)).toEqual([
      [
        'nightly-export: 2 failures',
        'first 02:00:00+01:00, last 09:15:30+01:00 · latest nightly-export#run-42',
        'Error: run 42 timed out after 30 s',
        'template: Error: run <int> timed out after <duration>',
      ],
      ['billing: 1 failure', 'at 13:00:00+01:00 · latest billing#2026-11-25', 'card processor timed out'],
    ]);
    // No earlier day is known: no trend to draw.
    expect(email.html).not.toContain('today');
  });

  it('with a week behind it, marks new and back groups, draws each trend, and compares the day', () => {
    const [run41, run42, billing] = THREE as [FailureEntry, FailureEntry, FailureEntry];
    const week = Array.from({ length: 7 }, (_, d) => before(7 - d, d === 3 ? [run41, billing] : [run41]));
    const fresh = entry('ledger', 'ledger#1', '2026-11-25T14:00:00Z', 'ValueError: negative balance');
    const email = renderEmail(report([run41, run42, billing, fresh], { history: historyOf(PARIS, week) }));
    expect(email.text).toBe(
      [
        TITLE,
        '4 failures in 3 processes; 1 new error; 1 back; up 3.5x on the 7-day average',
        'Total: 4 failures; the day before 1 failure; 7-day average 1.1.',
        'By source: execution-log 4.',
        ...PARIS_HEADER,
        '',
        '1. nightly-export: 2 failures, first 02:00:00+01:00, last 09:15:30+01:00',
        '   latest (nightly-export#run-42): Error: run 42 timed out after 30 s',
        '   template: Error: run <int> timed out after <duration>',
        '   trend: ▄▄▄▄▄▄▄│█ (1 1 1 1 1 1 1, today 2)',
        '',
        '2. NEW ledger: 1 failure, at 15:00:00+01:00',
        '   latest (ledger#1): ValueError: negative balance',
        '   trend: _______│█ (0 0 0 0 0 0 0, today 1)',
        '',
        '3. BACK billing: 1 failure, at 13:00:00+01:00',
        '   latest (billing#2026-11-25): card processor timed out',
        '   trend: ___█___│█ (0 0 0 1 0 0 0, today 1)',
        '',
        ...FOOTER,
      ].join('\n'),
    );
    const blocks = groupBlocks(email.html);
    expect(blocks.map((b) => b[0])).toEqual(['nightly-export: 2 failures', 'NEWledger: 1 failure', 'BACKbilling: 1 failure']);
    expect(email.html).toContain('<span style="display:inline-block;margin-right:6px;padding:0 5px;border-radius:3px;background:#b3261e;color:#ffffff;font-size:12px;font-weight:bold;line-height:18px">NEW</span><strong>ledger</strong>');
    // A table of bars per group: 7 days and today, then the counts.
    const trends = [...email.html.matchAll(/<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin-top:6px">([\s\S]*?)<\/table>/g)];
    expect(trends).toHaveLength(3);
    expect(trends[0]![1]!.match(/<div style="width:10px;height:(\d+)px/g)?.map((d) => d.replace(/\D+/g, ' ').trim())).toEqual(['10 12', '10 12', '10 12', '10 12', '10 12', '10 12', '10 12', '10 24']);
    expect(trends[0]![1]).toContain('1 1 1 1 1 1 1, today 2</td>');
  });

  it('draws a day not known as a dotted line, and says so in the numbers', () => {
    const [run41] = THREE as [FailureEntry];
    const days = [null, ...Array.from({ length: 6 }, (_, d) => before(6 - d, [run41]))];
    const r = report([run41], { history: historyOf(PARIS, days) });
    expect(renderText(r)).toContain('   trend: ·██████│█ (- 1 1 1 1 1 1, today 1)\n');
    expect(renderText(r)).toContain('Total: 1 failure; the day before 1 failure; 7-day average 1 (6 of 7 days known).');
    expect(renderHtml(r)).toContain('border-bottom:2px dotted');
  });

  it('on a day without failures, says so in a short email with no table', () => {
    const email = renderEmail(report([]));
    expect(email.subject).toBe('failure-digest: no failures on 2026-11-25 (Europe/Paris)');
    expect(email.text).toBe([TITLE, 'No failures; no earlier days to compare with', 'Total: 0 failures; no earlier day is known.', ...PARIS_HEADER, '', ...FOOTER].join('\n'));
    expect(email.html).toContain('<strong>No failures; no earlier days to compare with</strong>');
    expect(email.html).not.toContain('<table');
  });
});

describe('below the groups shown', () => {
  const many = (n: number, each = 2) =>
    Array.from({ length: n }, (_, i) => {
      const name = `proc-${String(i).padStart(3, '0')}`;
      return Array.from({ length: each }, (_, k) => entry(name, `${name}#${k}`, '2026-11-25T10:00:00Z', 'exit 1'));
    }).flat();

  it('lists every other process with its count, one line each, never a bare "and N more"', () => {
    const r = report([...many(TOP_GROUPS), entry('tail-a', 'tail-a#1', '2026-11-25T09:00:00Z'), entry('tail-b', 'tail-b#1', '2026-11-25T09:00:00Z')]);
    const text = renderText(r);
    expect(text).toContain('\n\nOther failures, by process:\n- tail-a: 1 failure in 1 error\n- tail-b: 1 failure in 1 error\n\n');
    const html = renderHtml(r);
    expect(html).toContain('<strong>Other failures, by process:</strong>');
    expect(html).toMatch(/<td style="padding:2px 8px 2px 0;vertical-align:top;[^"]*">tail-a<\/td><td style="[^"]*">1 failure in 1 error<\/td>/);
    expect(groupBlocks(html)).toHaveLength(TOP_GROUPS);
    expect(text).not.toMatch(/and \d+ more/);
  });

  it('has no such lines when every group is shown', () => {
    const r = report(many(TOP_GROUPS));
    expect(renderText(r)).not.toContain('Other failures');
    expect(renderHtml(r)).not.toContain('Other failures');
  });

  it('past the process lines, counts the rest of the processes and their failures, and points to the CSV', () => {
    const r = report(many(TOP_GROUPS + MAX_PROCESS_LINES + 2, 1));
    const attached = { fileName: 'failures-2026-11-25.csv', rows: r.count };
    const text = renderText(r, attached);
    expect(text.split('\n').filter((l) => l.startsWith('- proc-'))).toHaveLength(MAX_PROCESS_LINES);
    expect(text).toContain('\n2 more processes with 2 failures, listed in the attached CSV.\n');
    expect(renderHtml(r, attached)).toContain('<p style="margin:4px 0">2 more processes with 2 failures, listed in the attached CSV.</p>');
    expect(renderText(r, { omitted: 'too large' })).toContain('\n2 more processes with 2 failures.\n');
  });
});

describe('source tags', () => {
  it('marks groups from another source than the execution log, and only those', () => {
    const s3: FailureEntry = {
      ...entry('s3://vault/backup.tar', 's3://vault/backup.tar#REQ1', '2026-11-25T02:00:00Z', 'backup.tar: upload never completed'),
      source: 's3-access-log',
    };
    const r = report([...THREE, s3]);
    const text = renderText(r);
    expect(text).toContain('s3://vault/backup.tar [s3-access-log]: 1 failure');
    expect(text).toContain('nightly-export: 2 failures');
    expect(renderHtml(r)).toContain('<strong>s3://vault/backup.tar</strong> [s3-access-log]: <strong>1 failure</strong>');
  });
});

describe('the attachment line', () => {
  it('names the attached CSV, says when it could not go with the email, and says nothing on a day without failures', () => {
    const r = report(THREE);
    expect(renderText(r, { fileName: 'failures-2026-11-25.csv', rows: 3 })).toContain('Every failure of the day is in the attached failures-2026-11-25.csv (3 rows).\n\nTimes are local');
    expect(renderHtml(r, { fileName: 'failures-2026-11-25.csv', rows: 3 })).toContain('<p>Every failure of the day is in the attached failures-2026-11-25.csv (3 rows).</p>');
    expect(renderText(r, { omitted: 'failures-2026-11-25.csv.gz is 41.0 MB compressed' })).toContain('The list of every failure is not attached: failures-2026-11-25.csv.gz is 41.0 MB compressed.');
    expect(renderText(report([]), { fileName: 'failures-2026-11-25.csv', rows: 0 })).not.toContain('attached');
  });
});

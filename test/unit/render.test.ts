import { COMPLETE } from '../support/reports.ts';
import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { MAX_GROUPS_SHOWN, renderEmail, renderHtml, renderSubject, renderText } from '../../shared/digest/render.ts';
import { escapeHtml } from '../../shared/email/safe-text.ts';
import { buildReport, type ReportInput } from '../../shared/digest/report.ts';
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
  return buildReport({ window: PARIS, source: 'summary', sourceNote: '', completeness: COMPLETE, entries, unreadable: 0, ...extra });
}

const THREE = [
  entry('nightly-export', 'nightly-export#run-41', '2026-11-25T01:00:00Z', 'Error: disk full on /data'),
  entry('nightly-export', 'nightly-export#run-42', '2026-11-25T08:15:30Z', 'Error: quota exceeded for bucket reports'),
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
      expect(body).toContain('Error: quota exceeded for bucket reports');
      expect(body).toContain('card processor timed out');
      // The older message of nightly-export is not the one shown.
      expect(body).not.toContain('disk full on /data');
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

    const kolkata = buildReport({
      window: KOLKATA,
      source: 'summary',
      sourceNote: '', completeness: COMPLETE,
      entries: [entry('p', 'p#1', '2026-11-25T04:00:00Z')],
      unreadable: 0,
    });
    expect(renderText(kolkata)).toContain('09:30:00+05:30');
    expect(renderHtml(kolkata)).toContain('09:30:00+05:30');
    expect(renderText(kolkata)).not.toContain('04:00:00');
  });

  it('describes the window with local start and end and its length', () => {
    // Europe/Paris 2026-03-29 is a 23-hour day: [2026-03-28T23:00Z, 2026-03-29T22:00Z).
    const r = buildReport({
      window: { date: '2026-03-29', tz: 'Europe/Paris', start_ms: Date.parse('2026-03-28T23:00:00Z'), end_ms: Date.parse('2026-03-29T22:00:00Z') },
      source: 'summary',
      sourceNote: '', completeness: COMPLETE,
      entries: [],
      unreadable: 0,
    });
    const text = renderText(r);
    expect(text).toContain('00:00:00+01:00');
    expect(text).toContain('00:00:00+02:00');
    expect(text).toContain('(23 h)');
  });

  it('says so when nothing failed, and has no table', () => {
    const r = report([]);
    expect(renderText(r)).toContain('No process failed that day.');
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

  it('summarises processes beyond the first 100 in one line', () => {
    const shown = Array.from({ length: 100 }, (_, i) => {
      const name = `proc-${String(i).padStart(3, '0')}`;
      return [entry(name, `${name}#1`, '2026-11-25T10:00:00Z'), entry(name, `${name}#2`, '2026-11-25T11:00:00Z')];
    }).flat();
    const hidden = ['tail-a', 'tail-b', 'tail-c'].map((name) => entry(name, `${name}#1`, '2026-11-25T09:00:00Z'));
    const r = report([...shown, ...hidden]);
    expect(r.groups).toHaveLength(103);
    const text = renderText(r);
    const html = renderHtml(r);
    for (const body of [text, html]) {
      expect(body.split('…and 3 more processes with 3 failures.')).toHaveLength(2);
      expect(body).toContain('proc-000');
      expect(body).toContain('proc-099');
      expect(body).not.toContain('tail-a');
      expect(body).not.toContain('tail-c');
    }
    expect(html.match(/<tr>/g)).toHaveLength(100); // a block per shown process
  });

  it('uses the singular for one hidden process, and no line at exactly the limit', () => {
    const atLimit = Array.from({ length: MAX_GROUPS_SHOWN }, (_, i) => entry(`p${i}`, `p${i}#1`, '2026-11-25T10:00:00Z'));
    expect(renderText(report(atLimit))).not.toContain('more process');
    expect(renderHtml(report(atLimit))).not.toContain('more process');
    const oneOver = [...atLimit, entry('extra', 'extra#1', '2026-11-25T01:00:00Z')];
    expect(renderText(report(oneOver))).toContain('…and 1 more process with 1 failure.');
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

  it('shows the template of a traceback cut before its last line', () => {
    const cut = failureEntry({ pk: 'etl#1', process: 'etl', event_ts: Date.parse('2026-11-25T10:00:00Z'), source: 'execution-log', message: 'Traceback (most recent call last):\n  File "a.py", line 1', template: 'KeyError: <quoted>' });
    expect(report([cut]).groups[0]?.latest_error).toBe('KeyError: <quoted>');
    // Cut inside its last line, as a 500-character head can be.
    const midLine = failureEntry({ ...cut, message: 'Traceback (most recent call last):\n  File "a.py", line 1\nbotocore.exceptio…', template: 'botocore.exceptions.ClientError: <quoted>' });
    expect(report([midLine]).groups[0]?.latest_error).toBe('botocore.exceptions.ClientError: <quoted>');
  });
});

/** Each process block of the email, its lines as a reader sees them: tags dropped, entities decoded. */
function tableRows(html: string): string[][] {
  const body = html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
  const text = (cell: string) =>
    cell
      .replace(/<br>/g, ' ')
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<(div|pre)[^>]*>([\s\S]*?)<\/\1>/g)].map((c) => text(c[2]!)));
}

// How every text part of a Paris day read from the summary begins and ends.
const PARIS_HEADER = [
  'Failure digest for 2026-11-25 (Europe/Paris)',
  'Window: 00:00:00+01:00 on 2026-11-25 to 00:00:00+01:00 the next day (24 h)',
  "Source: summary table, captured from the table's stream.",
];
const FOOTER = ['Times are local to the report zone. Sent once per report day by failure-digest.', ''];

describe('renderEmail', () => {
  it('says, in the subject, the text part and the HTML part, what failed that day', () => {
    const email = renderEmail(report(THREE));
    expect(email.subject).toBe('failure-digest: 3 failures on 2026-11-25 (Europe/Paris)');
    expect(email.text).toBe(
      [
        ...PARIS_HEADER,
        '3 failures in 2 processes.',
        '',
        '1. nightly-export: 2 failures, first 02:00:00+01:00, last 09:15:30+01:00',
        '   latest (nightly-export#run-42): Error: quota exceeded for bucket reports',
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
    expect(email.html).toContain('<p style="margin:4px 0">Window: 00:00:00+01:00 on 2026-11-25 to 00:00:00+01:00 the next day (24 h)</p>');
    expect(email.html).toContain('<p style="margin:4px 0">3 failures in 2 processes.</p>');
    expect(tableRows(email.html)).toEqual([
      ['nightly-export: 2 failures', 'first 02:00:00+01:00, last 09:15:30+01:00 · latest nightly-export#run-42', 'Error: quota exceeded for bucket reports'],
      ['billing: 1 failure', 'at 13:00:00+01:00 · latest billing#2026-11-25', 'card processor timed out'],
    ]);
  });

  it('on a day without failures, says so in a short email with no table', () => {
    const email = renderEmail(report([]));
    expect(email.subject).toBe('failure-digest: no failures on 2026-11-25 (Europe/Paris)');
    expect(email.text).toBe(
      [
        ...PARIS_HEADER,
        'No process failed that day.',
        '',
        ...FOOTER,
      ].join('\n'),
    );
    expect(email.html).toContain('<p style="margin:4px 0">No process failed that day.</p>');
    expect(tableRows(email.html)).toEqual([]);
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

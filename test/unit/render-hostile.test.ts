import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { renderEmail } from '../../shared/digest/render.ts';
import type { ReportInput } from '../../shared/digest/report.ts';
import { historyOf, reportOf } from '../support/reports.ts';
import { failureEntry } from '../support/failure-entry.ts';

const PARIS = { date: '2026-11-25', tz: 'Europe/Paris', start_ms: Date.parse('2026-11-24T23:00:00Z'), end_ms: Date.parse('2026-11-25T23:00:00Z') };

function report(entries: FailureEntry[], extra: Partial<ReportInput> = {}) {
  return reportOf(PARIS, entries, extra);
}

interface Hostile {
  readonly entry: Partial<FailureEntry>;
  /** How the text part shows the process (with its source tag), the pk and the message's first line. */
  readonly text: { readonly process: string; readonly pk: string; readonly message: string; readonly template?: string };
}

const INJECTION = '\r\nBcc: x@evil.com\r\nSubject: pwned\r\n\r\nfake body';
const BREAKOUT = '"><img src=x onerror=alert(1)>';

// Each hostile value, and what the text part must show of it.
const HOSTILE: Record<string, Hostile> = {
  'header injection in a process name': {
    entry: { process: `nightly${INJECTION}` },
    text: { process: 'nightly⏎Bcc: x@evil.com⏎Subject: pwned⏎⏎fake body', pk: 'p#1', message: 'boom' },
  },
  'header injection in a pk': {
    entry: { pk: `job#1${INJECTION}` },
    text: { process: 'p', pk: 'job#1⏎Bcc: x@evil.com⏎Subject: pwned⏎⏎fake body', message: 'boom' },
  },
  'a script in a pk': {
    entry: { pk: '<script>alert(1)</script>' },
    text: { process: 'p', pk: '<script>alert(1)</script>', message: 'boom' },
  },
  'an attribute breakout in a process name and a message': {
    entry: { process: BREAKOUT, message: BREAKOUT },
    text: { process: BREAKOUT, pk: 'p#1', message: BREAKOUT, template: '"><img src=x onerror=alert(<int>)>' },
  },
  'a right-to-left override in a message': {
    entry: { message: 'invoice\u202Egnp.exe was rejected' },
    text: { process: 'p', pk: 'p#1', message: 'invoice<U+202E>gnp.exe was rejected' },
  },
  'zero-width characters in a process name': {
    entry: { process: 'ad\u200Dmin\u200B-job\uFEFF\u00AD' },
    text: { process: 'ad<U+200D>min<U+200B>-job<U+FEFF><U+00AD>', pk: 'p#1', message: 'boom' },
  },
  'a 5,000-character word in a message': {
    entry: { message: 'x'.repeat(5_000) },
    text: { process: 'p', pk: 'p#1', message: `${'x'.repeat(199)}…` },
  },
  'a 5,000-character process name and pk': {
    entry: { process: 'q'.repeat(5_000), pk: `${'q'.repeat(5_000)}#1` },
    text: { process: `${'q'.repeat(199)}…`, pk: `${'q'.repeat(199)}…`, message: 'boom' },
  },
  'a NUL byte in a pk': {
    entry: { pk: 'job\u0000#1' },
    text: { process: 'p', pk: 'job<U+0000>#1', message: 'boom' },
  },
  'a javascript: URL in a message': {
    entry: { message: 'javascript:alert(document.cookie)' },
    text: { process: 'p', pk: 'p#1', message: 'javascript:alert(document.cookie)' },
  },
  'an S3 key with a line separator': {
    entry: { process: 's3://vault/a\u2028Subject: pwned.tar', pk: 's3://vault/a\u2028Subject: pwned.tar#REQ1', source: 's3-access-log' },
    text: { process: 's3://vault/a⏎Subject: pwned.tar [s3-access-log]', pk: 's3://vault/a⏎Subject: pwned.tar#REQ1', message: 'boom' },
  },
  'a multi-line message whose later lines fake headers': {
    entry: { message: 'boom\u2028Bcc: x@evil.com\r\nSubject: pwned\u0085fake' },
    // The email shows the error line: the text with its lines run together, up to a break it cannot fold.
    text: { process: 'p', pk: 'p#1', message: 'boom Bcc: x@evil.com Subject: pwned', template: 'boom Bcc: <email> Subject: pwned⏎fake' },
  },
  'C1 and C0 controls in a message': {
    entry: { message: 'red \u009B31m\u001B[0m bell\u0007 del\u007F' },
    text: { process: 'p', pk: 'p#1', message: 'red <U+009B>31m<U+001B>[0m bell<U+0007> del<U+007F>', template: 'red <U+009B><duration><U+001B>[<duration> bell<U+0007> del<U+007F>' },
  },
};

function hostileEntry(h: Hostile, i = 0): FailureEntry {
  return failureEntry({ process: 'p', pk: 'p#1', message: 'boom', source: 'execution-log', event_ts: Date.parse('2026-11-25T10:00:00Z') + i * 60_000, ...h.entry });
}

// Nothing in the email may act rather than show; only the template's own line breaks remain.
const RAW_INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const rawInvisible = (s: string) => [...s].filter((c) => c !== '\n' && RAW_INVISIBLE.test(c));

interface Element {
  readonly name: string;
  readonly attrs: Record<string, string>;
}
interface Tokens {
  readonly tags: Element[];
  /** Each run of text, decoded, with the elements open around it, outermost first. */
  readonly texts: { readonly text: string; readonly open: Element[] }[];
}

const VOID = new Set(['!doctype', 'meta', 'br']);
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Just enough of an HTML tokenizer for the email's own markup: tags, their attributes, and text. */
function tokenize(html: string): Tokens {
  const tags: Element[] = [];
  const texts: Tokens['texts'] = [];
  const open: Element[] = [];
  for (const m of html.matchAll(/<(\/?)([!a-zA-Z][^\s>/]*)([^>]*)>|([^<]+)/g)) {
    if (m[4] !== undefined) {
      texts.push({ text: decode(m[4]), open: [...open] });
      continue;
    }
    const name = m[2]!.toLowerCase();
    if (m[1]) {
      expect(open.pop()?.name, `</${name}> closes what it opened`).toBe(name);
      continue;
    }
    const attrs = Object.fromEntries([...m[3]!.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!.toLowerCase(), a[2] ?? '']));
    const el = { name, attrs };
    tags.push(el);
    if (!VOID.has(name)) open.push(el);
  }
  expect(open, 'every element is closed').toEqual([]);
  return { tags, texts };
}

const TEMPLATE_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'body', 'h2', 'p', 'small', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'strong', 'br', 'pre', 'div', 'span']);
const TEMPLATE_ATTRS = new Set(['html', 'charset', 'style', 'name', 'content', 'role', 'width', 'cellpadding', 'cellspacing']);
const wraps = (el: Element | undefined) => /overflow-wrap:anywhere/.test(el?.attrs.style ?? '') && /word-break:break-word/.test(el?.attrs.style ?? '');

/** What must hold of any email, whatever the data: no markup, links or invisible characters from the data, and long words wrap. */
function expectSafeHtml(html: string, benign: string) {
  expect(rawInvisible(html)).toEqual([]);
  const { tags, texts } = tokenize(html);
  expect(tags.filter((t) => !TEMPLATE_TAGS.has(t.name)).map((t) => t.name)).toEqual([]);
  expect(tags.flatMap((t) => Object.keys(t.attrs)).filter((a) => !TEMPLATE_ATTRS.has(a))).toEqual([]);
  expect(tags.map((t) => t.name)).toEqual(tokenize(benign).tags.map((t) => t.name));
  expect(html.split('<').length).toBe(benign.split('<').length);
  expect(html).not.toMatch(/<[^>]*\s(href|src|on\w+)=/i);
  for (const { text, open } of texts) {
    if (!/\S{80}/.test(text)) continue;
    const cell = open.findLast((e) => e.name === 'td') ?? open.find((e) => e.name === 'body');
    expect(wraps(cell), `a long word in <${open.at(-1)?.name}> sits in a cell that wraps`).toBe(true);
    if (/^[qx]+$/.test(text)) expect(cell?.name).toBe('td');
  }
}

describe.each(Object.entries(HOSTILE))('%s', (_, hostile) => {
  const email = renderEmail(report([hostileEntry(hostile)]));
  // The same blocks: a template line where the hostile one has one.
  const benign = renderEmail(report([hostileEntry({ entry: hostile.text.template ? { template: 'other <int>' } : {}, text: hostile.text })]));

  it('keeps the text part to exactly its lines, none injected', () => {
    const { process, pk, message, template } = hostile.text;
    expect(email.text.split('\n')).toEqual([
      'Failure digest for 2026-11-25 (Europe/Paris)',
      '1 failure in 1 process; no earlier days to compare with',
      'Total: 1 failure; no earlier day is known.',
      `By source: ${hostile.entry.source ?? 'execution-log'} 1.`,
      'Window: 00:00:00+01:00 on 2026-11-25 to 00:00:00+01:00 the next day (24 h)',
      "Source: summary table, captured from the table's stream.",
      '',
      `1. ${process}: 1 failure, at 11:00:00+01:00`,
      `   latest (${pk}): ${message}`,
      ...(template ? [`   template: ${template}`] : []),
      '',
      'Times are local to the report zone. Sent once per report day by failure-digest.',
      '',
    ]);
    expect(email.text).not.toMatch(/^(Bcc|Subject|fake body)/m);
    expect(rawInvisible(email.text)).toEqual([]);
    expect(Math.max(...email.text.split('\n').map((l) => l.length))).toBeLessThan(500);
  });

  it('adds no markup, attribute, link or invisible character to the HTML part, and wraps long words', () => {
    expectSafeHtml(email.html, benign.html);
  });

  it('leaves the subject one clean line', () => {
    expect(email.subject).toBe('failure-digest: 1 failure on 2026-11-25 (Europe/Paris)');
  });
});

describe('every hostile item in one digest', () => {
  // A process of its own for each, so each is a group.
  const entries = Object.values(HOSTILE).map((h, i) => ({ ...hostileEntry(h, i), process: h.entry.process ?? `p${i}` }));
  const hostileSpellings = entries.map((e, i) => ({ ...e, writtenStatus: ['failed\u202E', 'FAILED\u2028', 'failed\u0085', ' FAILED\u200B'][i % 4]! }));
  // A known week without them: each is new, so each is shown, with its mark and its trend.
  const history = historyOf(PARIS, Array.from({ length: 7 }, () => []));
  const email = renderEmail(
    report(hostileSpellings, { source: 'gsi', sourceNote: `The summary is incomplete (${INJECTION}) ${'n'.repeat(5_000)}.`, history }),
  );
  const benign = renderEmail(
    report(
      entries.map((e, i) => ({ ...e, process: `p${i}`, pk: `p${i}#1`, message: 'boom', source: 'execution-log', template: Object.values(HOSTILE)[i]!.text.template ? 'other <int>' : 'boom' })),
      { source: 'gsi', sourceNote: 'The summary is incomplete.', history },
    ),
  );

  it('shows each process in its one line, and nothing else starts a line', () => {
    const lines = email.text.split('\n');
    expect(lines.filter((l) => /^\d+\. /.test(l))).toHaveLength(Object.keys(HOSTILE).length);
    expect(lines.filter((l) => l.startsWith('   latest ('))).toHaveLength(Object.keys(HOSTILE).length);
    expect(lines.filter((l) => /^\d+\. NEW /.test(l))).toHaveLength(Object.keys(HOSTILE).length);
    expect(lines.filter((l) => l.startsWith('   trend: _______│'))).toHaveLength(Object.keys(HOSTILE).length);
    expect(lines.filter((l) => l.startsWith('By source: '))).toEqual(['By source: execution-log 12, s3-access-log 1.']);
    expect(lines.find((l) => l.startsWith('Source: '))).toMatch(/^Source: status\/event_ts index query \(fallback\)\. The summary is incomplete \(⏎Bcc: x@evil\.com⏎Subject: pwned⏎⏎fake body\) n+\.$/);
    expect(email.text).not.toMatch(/^(Bcc|Subject|fake body)/m);
    expect(rawInvisible(email.text)).toEqual([]);
  });

  it('keeps the HTML to its template, with long words in wrapping cells', () => {
    expectSafeHtml(email.html, benign.html);
    expect(email.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('invoice&lt;U+202E&gt;gnp.exe was rejected');
    expect(email.html).toContain('job&lt;U+0000&gt;#1');
    expect(email.html).toContain('<pre style="margin:6px 0 0;padding:6px 8px;background:#f4f4f4;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;font-size:12px">boom Bcc: x@evil.com Subject: pwned\nfake</pre>');
  });
});

describe('status spellings', () => {
  it('are shown with their invisible characters visible', () => {
    const e = hostileEntry({ entry: {}, text: { process: '', pk: '', message: '' } });
    const email = renderEmail(report([{ ...e, writtenStatus: 'failed\u202E' }, { ...e, pk: 'p#2', writtenStatus: 'FAILED\u2028' }]));
    expect(email.text).toContain('2 failures were written with status "FAILED<U+2028>" or "failed<U+202E>": ');
    expect(rawInvisible(email.html)).toEqual([]);
  });
});

describe('a hostile source name', () => {
  it('stays on its line in the counts by source and the group, and is escaped in the HTML', () => {
    const e = hostileEntry({ entry: { source: 'log\r\nBcc: x@evil.com\u202E<b>' }, text: { process: '', pk: '', message: '' } });
    const email = renderEmail(report([e]));
    expect(email.text).toContain('\nBy source: log⏎Bcc: x@evil.com<U+202E><b> 1.\n');
    expect(email.text).toContain('\n1. p [log⏎Bcc: x@evil.com<U+202E><b>]: 1 failure');
    expect(email.text).not.toMatch(/^Bcc/m);
    expect(email.html).toContain('By source: log⏎Bcc: x@evil.com&lt;U+202E&gt;&lt;b&gt; 1.');
    expect(email.html).not.toContain('<b>');
    expect(rawInvisible(email.html)).toEqual([]);
  });
});

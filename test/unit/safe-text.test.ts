import { describe, expect, it } from 'vitest';
import { escapeHtml, hasInvisible, headerSafe, LINE_BREAK_MARK, multiLine, oneLine, quoteBlock, visibleControls } from '../../shared/email/safe-text.ts';

describe('visibleControls', () => {
  it.each([
    ['right-to-left override', 'invoice\u202Egnp.exe', 'invoice<U+202E>gnp.exe'],
    ['bidi embeddings, isolates and marks', '\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C', '<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C>'],
    ['zero-width space, non-joiner and joiner', 'a\u200Bb\u200Cc\u200Dd', 'a<U+200B>b<U+200C>c<U+200D>d'],
    ['BOM, soft hyphen, word joiner', '\uFEFFin\u00ADvis\u2060ible', '<U+FEFF>in<U+00AD>vis<U+2060>ible'],
    ['C0 controls, DEL and C1 controls', 'a\u0000b\u001Bc\u007Fd\u0085e\u009Bf', 'a<U+0000>b<U+001B>c<U+007F>d<U+0085>e<U+009B>f'],
    ['line breaks of every kind', 'a\r\nb\u2028c\u2029d\ve\ff', 'a<U+000D><U+000A>b<U+2028>c<U+2029>d<U+000B>e<U+000C>f'],
    ['tag characters, as code points', 'x\u{E0041}\u{E007F}', 'x<U+E0041><U+E007F>'],
    ['a lone surrogate', 'a\uD800b', 'a<U+D800>b'],
    ['Hangul fillers, which render blank', '\u3164\u115F', '<U+3164><U+115F>'],
    ['a tab, unless kept', 'a\tb', 'a<U+0009>b'],
  ])('shows a %s', (_, input, shown) => {
    expect(visibleControls(input)).toBe(shown);
    expect(hasInvisible(input)).toBe(true);
  });

  it.each([
    ['plain ASCII', 'nightly-export#run-42: Error: disk full'],
    ['accents, CJK and emoji', 'café 東京 😀'],
    ['variation selectors, which only pick a glyph', '❤\uFE0F ✌\uFE0E'],
    ['a combining accent', 'e\u0301'],
    ['no-break and other spaces', 'a\u00A0b\u2003c'],
  ])('leaves %s as it is', (_, input) => {
    expect(visibleControls(input)).toBe(input);
    expect(hasInvisible(input)).toBe(false);
  });

  it('keeps tabs when asked, and nothing else', () => {
    expect(visibleControls('a\tb\u0000', { tab: true })).toBe('a\tb<U+0000>');
  });
});

describe('oneLine', () => {
  it.each([
    ['\r\nBcc: x@evil.com\r\nSubject: pwned\r\n\r\nfake body', `${LINE_BREAK_MARK}Bcc: x@evil.com${LINE_BREAK_MARK}Subject: pwned${LINE_BREAK_MARK}${LINE_BREAK_MARK}fake body`],
    ['a\rb\nc\vd\fe\u0085f\u2028g\u2029h', 'a⏎b⏎c⏎d⏎e⏎f⏎g⏎h'],
    ['invoice\u202Egnp.exe', 'invoice<U+202E>gnp.exe'],
    ['p\u0000k\tx', 'p<U+0000>k<U+0009>x'],
  ])('%j stays on one line', (input, shown) => {
    expect(oneLine(input)).toBe(shown);
    expect(oneLine(input)).not.toMatch(/[\r\n\v\f\u0085\u2028\u2029]/);
  });

  it('cuts to at most max units with an ellipsis, never inside a label or a surrogate pair', () => {
    expect(oneLine('x'.repeat(5_000), 200)).toBe(`${'x'.repeat(199)}…`);
    expect(oneLine('abcdef', 6)).toBe('abcdef');
    expect(oneLine('abc\u202Edef', 8)).toBe('abc…');
    expect(oneLine('ab😀😀', 4)).toBe('ab…');
    for (let max = 1; max < 30; max += 1) {
      const cut = oneLine('a\u202Eb😀c\u0000\r\nd'.repeat(3), max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.replace(/<U\+[0-9A-F]{4,6}>/g, '')).not.toMatch(/<U|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });

  it('keeps tabs in a message line when asked', () => {
    expect(oneLine('Error:\tboom', 100, { tab: true })).toBe('Error:\tboom');
  });
});

describe('multiLine', () => {
  it('keeps the lines, normalised to \\n, and shows what is invisible on each', () => {
    expect(multiLine('Error: boom\r\n    at main\u202E (x.js:1:1)\rnext\u2028last\ttab')).toBe('Error: boom\n    at main<U+202E> (x.js:1:1)\nnext\nlast\ttab');
  });
});

describe('quoteBlock', () => {
  it('prefixes every line, so none passes for a header or a section', () => {
    const quoted = quoteBlock('Traceback:\r\nBcc: x@evil.com\n\nSubject: pwned', '   | ', 80);
    expect(quoted).toBe(['   | Traceback:', '   | Bcc: x@evil.com', '   |', '   | Subject: pwned'].join('\n'));
    expect(quoted.split('\n').every((l) => l.startsWith('   |'))).toBe(true);
  });

  it('breaks a long line at a space, or a long word anywhere, within the width', () => {
    const quoted = quoteBlock(`short words here ${'w'.repeat(200)}`, '> ', 40);
    const lines = quoted.split('\n');
    expect(lines[0]).toBe('> short words here');
    expect(lines.every((l) => l.length <= 40 && l.startsWith('> '))).toBe(true);
    expect(lines.slice(1).map((l) => l.slice(2)).join('')).toBe('w'.repeat(200));
  });
});

describe('headerSafe', () => {
  it.each([
    ['failure-digest: 3 failures\r\nBcc: x@evil.com', 'failure-digest: 3 failures Bcc: x@evil.com'],
    ['a\r\n\tb   c\u2028d', 'a b c d'],
    [' padded\n', 'padded'],
    ['nul\u0000 and rlo\u202E', 'nul<U+0000> and rlo<U+202E>'],
  ])('%j becomes one clean line', (input, header) => {
    expect(headerSafe(input, 100)).toBe(header);
  });

  it('is cut to max with an ellipsis', () => {
    const long = headerSafe(`failure-digest: ${'x'.repeat(500)}`, 200);
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML special characters, quotes included, so it holds in a quoted attribute too', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml('"><img src=x onerror=alert(1)>')).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});

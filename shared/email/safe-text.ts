/**
 * Values from the data (process names, pks, S3 keys, messages) made safe for
 * where the email puts them: a line of the plain-text part, a header, HTML.
 * A character that would act rather than show (a line break, a bidi override,
 * a zero-width joiner, a NUL) is shown as its code point, `<U+202E>`, in the
 * text and the HTML parts alike, so what a reader sees is what was logged.
 */

/** Every sequence a mail client, a header parser or a text viewer may take as the end of a line. */
export const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;

/**
 * Characters that show nothing or change how the text around them shows:
 * controls (C0, DEL, C1), format characters (bidi embeddings, overrides,
 * isolates and marks, zero-width space and joiners, soft hyphen, BOM, tags),
 * line and paragraph separators, lone surrogates, and the Hangul fillers that
 * render as blanks. Variation selectors are marks, not in this set: they only
 * pick a glyph.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/** Shown in place of a line break inside a value that must stay on one line. */
export const LINE_BREAK_MARK = '⏎';

/** The longest subject the digest gives SES: encoded as UTF-8 words it stays within RFC 5322's 998-character line. */
export const MAX_EMAIL_SUBJECT = 200;

export interface VisibleOptions {
  /** Keeps tabs as they are: harmless inside a message, misleading inside a name or key. */
  readonly tab?: boolean;
}

const label = (c: string) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;

function visibleChar(c: string, tab: boolean): string {
  if (c === '\t' && tab) return c;
  return INVISIBLE.test(c) ? label(c) : c;
}

/** Whether `text` holds a line break, a control or another character that shows nothing. */
export const hasInvisible = (text: string): boolean => INVISIBLE.test(text);

/** Shows every invisible or control character as `<U+XXXX>`, line breaks included. */
export function visibleControls(text: string, options: VisibleOptions = {}): string {
  const tab = options.tab === true;
  return text.replace(INVISIBLE_ALL, (c) => visibleChar(c, tab));
}

/**
 * At most `max` UTF-16 units of `visibleControls(text)`, with an ellipsis
 * when cut. Cuts between whole characters and whole `<U+…>` labels, so a cut
 * never leaves half a surrogate pair or half a label.
 */
export function visibleCut(text: string, max: number, options: VisibleOptions = {}): string {
  const tab = options.tab === true;
  let out = '';
  for (const c of text) {
    const shown = visibleChar(c, tab);
    if (out.length + shown.length > max) return cutWithEllipsis(out, max);
    out += shown;
  }
  return out;
}

function cutWithEllipsis(shown: string, max: number): string {
  if (max < 1) return '';
  let end = shown.length;
  while (end > max - 1) end = previousBoundary(shown, end);
  return `${shown.slice(0, end)}…`;
}

// One step back to where a character or a whole label starts.
function previousBoundary(shown: string, end: number): number {
  if (shown[end - 1] === '>') {
    const open = shown.lastIndexOf('<U+', end - 1);
    if (open >= 0 && /^<U\+[0-9A-F]{4,6}>$/.test(shown.slice(open, end))) return open;
  }
  const low = shown.charCodeAt(end - 1);
  const high = shown.charCodeAt(end - 2);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? end - 2 : end - 1;
}

/**
 * A value that must stay on one line (a process name, a pk, a key, a
 * message's first line): each line break becomes `⏎`, every other invisible
 * character `<U+XXXX>`, and the result is at most `max` units long.
 */
export function oneLine(text: string, max = Number.POSITIVE_INFINITY, options: VisibleOptions = {}): string {
  return visibleCut(text.replace(LINE_BREAK, LINE_BREAK_MARK), max, options);
}

/** A message shown whole: its lines kept (every kind of break becomes `\n`), tabs kept, anything else invisible shown. */
export function multiLine(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => visibleControls(line, { tab: true }))
    .join('\n');
}

/**
 * A multi-line value for the plain-text part: every line starts with
 * `prefix`, so none can pass for a header or a section of its own, and a line
 * longer than `width` is broken onto further prefixed lines.
 */
export function quoteBlock(text: string, prefix: string, width: number): string {
  const room = Math.max(1, width - prefix.length);
  return multiLine(text)
    .split('\n')
    .flatMap((line) => breakLine(line, room))
    .map((line) => `${prefix}${line}`.trimEnd())
    .join('\n');
}

function breakLine(line: string, room: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > room) {
    const space = rest.lastIndexOf(' ', room);
    let at = space > 0 ? space : room;
    const code = rest.charCodeAt(at - 1);
    if (at > 1 && code >= 0xd800 && code <= 0xdbff) at -= 1;
    parts.push(rest.slice(0, at));
    rest = space > 0 ? rest.slice(at + 1) : rest.slice(at);
  }
  parts.push(rest);
  return parts;
}

/**
 * A header value (an email or SNS subject): one line whatever it is given,
 * breaks and runs of spaces as one space, controls shown, at most `max` units.
 * Applied where the header leaves the program, whoever built the text.
 */
export function headerSafe(text: string, max: number): string {
  const spaced = text.replace(LINE_BREAK, ' ').replace(/[\t ]+/g, ' ').trim();
  return visibleCut(spaced, max);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes HTML's five special characters: safe in text and in a quoted attribute value alike. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

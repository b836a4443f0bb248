import { truncate } from '../text.ts';

/**
 * The line of a message that says which error it is. Frames say where it
 * happened, and they differ between two runs of one error (another caller,
 * a deploy that moved a line), so they are left out.
 */

/** Cut far above any template, so no caller ever holds a 400 KB line. */
export const MAX_EXCEPTION_LINE_CHARS = 1000;

const PYTHON_TRACEBACK = /^Traceback \(most recent call last\):\s*$/;
// Node indents its frames with spaces and the JVM with a tab; prose is not indented so. Nothing
// more is asked of a frame, so one cut short (a stored head ends inside one) is still a frame.
const AT_FRAME = /^(?:\t| {2,})at\s+\S/;
const PYTHON_FRAME = /^\s*File ".*", line \d+/;
const ELIDED_FRAMES = /^\s*\.\.\. \d+ (?:more|common frames omitted)\s*$/;
// `TypeError: …`, `java.lang.IllegalStateException: …`, `Exception in thread "main" …`: a dotted name,
// then a colon or the end. A lead-in such as `Job failed:` has a space in its name and is not one.
const EXCEPTION_HEADER = /^(?:Exception in thread "[^"]*" )?[A-Za-z_$][\w$]*(?:[.$][A-Za-z_$][\w$]*)*(?::\s|:?$)/;

const isFrame = (line: string) => AT_FRAME.test(line) || PYTHON_FRAME.test(line) || ELIDED_FRAMES.test(line);
const isBlank = (line: string) => line.trim() === '';

function collapse(text: string): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), MAX_EXCEPTION_LINE_CHARS);
}

/**
 * Python prints the exception last, unindented, after its frames and their
 * source lines (indented); with chained exceptions, the one raised last is
 * last. A traceback cut before its end has none: its header is all there is.
 */
function pythonExceptionLine(lines: readonly string[], header: number): string {
  for (let i = lines.length - 1; i > header; i--) {
    const line = lines[i]!;
    if (!isBlank(line) && !/^\s/.test(line)) return line;
  }
  return lines[header]!;
}

/**
 * Node and the JVM print the exception first, then its frames, then any
 * `Caused by:` with frames of its own. The first is the one that reached the
 * job; the causes under it are shared by many errors (a socket timeout under
 * every kind of call), so the first is the one kept. A lead-in line before it
 * (`Job ledger-close failed`) is passed over.
 */
function stackTraceExceptionLine(lines: readonly string[], firstFrame: number): string {
  const head = lines.slice(0, firstFrame).filter((l) => !isBlank(l));
  return head.find((l) => EXCEPTION_HEADER.test(l.trim())) ?? head[0] ?? lines[firstFrame]!;
}

/** The identifying line of `message`, whitespace collapsed; empty for a message with no text. Pure. */
export function exceptionLineOf(message: string): string {
  const lines = message.split(/\r\n|\r|\n/);
  const header = lines.findIndex((l) => PYTHON_TRACEBACK.test(l.trim()));
  if (header >= 0) return collapse(pythonExceptionLine(lines, header));

  const firstFrame = lines.findIndex((l) => AT_FRAME.test(l));
  if (firstFrame >= 0) return collapse(stackTraceExceptionLine(lines, firstFrame));

  // No trace we know: the text is the message, less any frames pasted into it.
  const text = textLines(lines);
  return collapse((text.length > 0 ? text : lines.filter((l) => !isBlank(l)).slice(0, 1)).join('\n'));
}

/** The lines that are not frames, only as many as the cut keeps: a log dump can have 100,000. */
function textLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (chars > MAX_EXCEPTION_LINE_CHARS) break;
    if (isBlank(line) || isFrame(line)) continue;
    out.push(line);
    chars += line.trim().length + 1;
  }
  return out;
}

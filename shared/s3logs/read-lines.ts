import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parseAccessLogLine } from './parse-line.ts';
import type { LineParse } from './record.ts';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Reads at least `n` bytes (fewer at the end of the stream) and hands back a
 * stream that still starts with them.
 */
function peek(source: Readable, n: number): Promise<{ head: Buffer; rest: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (ended: boolean, error?: Error) => {
      source.off('readable', onReadable);
      source.off('end', onEnd);
      source.off('error', onError);
      if (error) return reject(error);
      const head = Buffer.concat(chunks);
      // A stream that has ended takes nothing back: what was read is all there is.
      if (ended) return resolve({ head, rest: Readable.from(head.length > 0 ? [head] : []) });
      if (head.length > 0) source.unshift(head);
      resolve({ head, rest: source });
    };
    const onReadable = () => {
      let chunk: Buffer | string | null;
      while (size < n && (chunk = source.read()) !== null) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        chunks.push(buf);
        size += buf.length;
      }
      if (size >= n) done(false);
    };
    const onEnd = () => done(true);
    const onError = (e: Error) => done(false, e);
    source.on('readable', onReadable);
    source.once('end', onEnd);
    source.once('error', onError);
  });
}

/**
 * The text of a log object, plain or gzip. S3 delivers access logs plain, but
 * copies and exports are often gzipped whatever their name says, so the magic
 * bytes decide, not the extension.
 */
export async function openLogStream(source: Readable): Promise<Readable> {
  const { head, rest } = await peek(source, GZIP_MAGIC.length);
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) return rest;
  const gunzip = createGunzip();
  rest.once('error', (e) => gunzip.destroy(e));
  return rest.pipe(gunzip);
}

export interface ParsedLine {
  /** 1-based, as an editor shows it. */
  readonly lineNumber: number;
  readonly result: LineParse;
}

/**
 * Parses a log stream line by line. Memory stays bounded by the longest line,
 * whatever the size of the object; blank lines are skipped, a malformed line
 * comes out with its reason and number and the stream goes on.
 */
export async function* parseLogStream(source: Readable): AsyncGenerator<ParsedLine> {
  const input = await openLogStream(source);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      yield { lineNumber, result: parseAccessLogLine(line) };
    }
  } finally {
    lines.close();
    // A consumer that stops early (a closed pipe) must not leave the file open.
    if (!input.destroyed) input.destroy();
    if (!source.destroyed) source.destroy();
  }
}

import { Readable } from 'node:stream';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { stringify } from 'csv-stringify';
import type { FailureEntry } from '../capture/entry.ts';
import { LINE_BREAK, LINE_BREAK_MARK } from '../email/safe-text.ts';

/** The attachment's columns, in order; the header row spells them so. */
export const CSV_COLUMNS = ['local_time', 'utc_time', 'process', 'signature_template', 'source', 'pk', 'message_head'] as const;

/** Above this many bytes the attachment is sent gzip-compressed (`.csv.gz`). */
export const GZIP_ABOVE_BYTES = 1_000_000;

/**
 * Characters a spreadsheet reads as the start of a formula (OWASP's list):
 * such a cell gets a leading apostrophe, which shows the text as written
 * and runs nothing.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function formulaSafe(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** One record per physical line, whatever a message holds: line breaks are shown, never kept. */
const oneRecordLine = (text: string) => text.replace(LINE_BREAK, ` ${LINE_BREAK_MARK} `);

export interface CsvOptions {
  /** The report zone, for the local time column. */
  readonly tz: string;
}

// A day's CSV formats every failure's time in one zone: one formatter per zone, not one (and a
// zoned date) per row, which at a million rows was most of the digest's time and garbage.
const localFormats = new Map<string, Intl.DateTimeFormat>();

function localFormat(tz: string): Intl.DateTimeFormat {
  let format = localFormats.get(tz);
  if (!format) {
    const fields = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
    format = new Intl.DateTimeFormat('en-CA', { timeZone: tz, ...fields, hourCycle: 'h23', timeZoneName: 'longOffset' });
    localFormats.set(tz, format);
  }
  return format;
}

/** `2026-03-04 13:05:09+01:00`: the date and time in `tz` and its offset, as formatLocalTime writes them. */
export function localDateTime(epochMs: number, tz: string): string {
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of localFormat(tz).formatToParts(Math.floor(epochMs))) p[part.type] = part.value;
  const offset = (p.timeZoneName ?? '').replace('GMT', '') || '+00:00';
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}${offset}`;
}

/** One failure as the attachment's cells, each formula-safe and on one line. */
export function csvCells(entry: FailureEntry, options: CsvOptions): string[] {
  const cells = [
    localDateTime(entry.event_ts, options.tz),
    new Date(entry.event_ts).toISOString(),
    entry.process,
    entry.template,
    entry.source,
    entry.pk,
    entry.message,
  ];
  return cells.map((c) => formulaSafe(oneRecordLine(c)));
}

/** The rows of `entries`, as the attachment's records: one array of cells each. */
async function* records(entries: Iterable<FailureEntry> | AsyncIterable<FailureEntry>, options: CsvOptions, onRow: () => void): AsyncGenerator<string[]> {
  for await (const entry of entries) {
    onRow();
    yield csvCells(entry, options);
  }
}

const csvStringifier = () => stringify({ header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' });

/**
 * The same CSV written to `out` as the entries arrive (the `export`
 * command), gzip-compressed when `gzip`: however large the day, only what
 * is in flight is in memory. Resolves with the number of rows.
 */
export async function writeFailuresCsv(
  entries: Iterable<FailureEntry> | AsyncIterable<FailureEntry>,
  out: NodeJS.WritableStream,
  options: CsvOptions & { readonly gzip?: boolean },
): Promise<number> {
  let rows = 0;
  const steps: NodeJS.ReadWriteStream[] = [csvStringifier(), ...(options.gzip ? [createGzip()] : [])];
  await pipeline(Readable.from(records(entries, options, () => (rows += 1))), ...(steps as [NodeJS.ReadWriteStream]), out);
  return rows;
}

export interface CsvAttachment {
  readonly fileName: string;
  readonly contentType: 'text/csv; charset=utf-8' | 'application/gzip';
  readonly bytes: Uint8Array;
  readonly rows: number;
  readonly gzipped: boolean;
}

/**
 * Every failure of the day as RFC 4180 CSV (UTF-8, CRLF, a header row),
 * written row by row as the entries arrive. Once the text passes
 * `gzipAboveBytes` it goes through gzip from there on, so the day is never
 * held twice: at most that much plain text, then only the compressed bytes.
 */
export async function failuresCsv(
  entries: Iterable<FailureEntry> | AsyncIterable<FailureEntry>,
  baseName: string,
  options: CsvOptions & { readonly gzipAboveBytes?: number },
): Promise<CsvAttachment> {
  const limit = options.gzipAboveBytes ?? GZIP_ABOVE_BYTES;
  let rows = 0;
  const rowsIn = Readable.from(records(entries, options, () => (rows += 1)));
  const csv = csvStringifier();
  let plain: Buffer[] = [];
  let plainBytes = 0;
  let gzip: ReturnType<typeof createGzip> | undefined;
  const zipped: Buffer[] = [];
  let zipping: Promise<void> | undefined;
  for await (const chunk of rowsIn.pipe(csv) as AsyncIterable<Buffer | string>) {
    const bytes = Buffer.from(chunk);
    if (!gzip) {
      plain.push(bytes);
      plainBytes += bytes.length;
      if (plainBytes <= limit) continue;
      gzip = createGzip();
      zipping = (async () => {
        for await (const z of gzip as AsyncIterable<Buffer>) zipped.push(z);
      })();
      for (const b of plain) if (!gzip.write(b)) await once(gzip, 'drain');
      plain = [];
      continue;
    }
    if (!gzip.write(bytes)) await once(gzip, 'drain');
  }
  if (!gzip) return { fileName: `${baseName}.csv`, contentType: 'text/csv; charset=utf-8', bytes: Buffer.concat(plain), rows, gzipped: false };
  gzip.end();
  await zipping;
  return { fileName: `${baseName}.csv.gz`, contentType: 'application/gzip', bytes: Buffer.concat(zipped), rows, gzipped: true };
}

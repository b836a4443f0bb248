import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { CSV_COLUMNS, csvCells, failuresCsv, formulaSafe, localDateTime } from '../../shared/digest/csv.ts';
import { formatLocalTime } from '../../shared/time/report-day.ts';
import { failureEntry } from '../support/failure-entry.ts';

const TS = Date.parse('2026-11-30T07:05:09.250Z');
const entry = (over: Partial<FailureEntry> = {}): FailureEntry =>
  failureEntry({ pk: 'etl-orders#run-1', process: 'etl-orders', event_ts: TS, message: 'Connection to 10.0.0.7:5432 timed out', source: 'execution-log', ...over });
const options = { tz: 'Europe/Paris' };

describe('formulaSafe', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    ['timed out = yes', 'timed out = yes'],
    ['', ''],
  ])('%j → %j', (cell, safe) => {
    expect(formulaSafe(cell)).toBe(safe);
  });
});

describe('csvCells', () => {
  it('gives the local and UTC time, process, template, source, pk and message head, in the header order', () => {
    expect(CSV_COLUMNS).toEqual(['local_time', 'utc_time', 'process', 'signature_template', 'source', 'pk', 'message_head']);
    expect(csvCells(entry(), options)).toEqual([
      '2026-11-30 08:05:09+01:00',
      '2026-11-30T07:05:09.250Z',
      'etl-orders',
      'Connection to <ip>:<int> timed out',
      'execution-log',
      'etl-orders#run-1',
      'Connection to 10.0.0.7:5432 timed out',
    ]);
  });

  it('keeps every record on one line, and neutralises a formula that only starts after a line break is shown', () => {
    const cells = csvCells(entry({ message: 'Traceback:\r\n  File "x"\nValueError: bad', pk: '=cmd|"/c calc"!A1' }), options);
    expect(cells[6]).toBe('Traceback: ⏎   File "x" ⏎ ValueError: bad');
    expect(cells[5]).toBe(`'=cmd|"/c calc"!A1`);
    expect(csvCells(entry({ process: '\n=1+1' }), options)[2]).toBe(' ⏎ =1+1');
  });
});

describe('localDateTime', () => {
  it.each([
    ['Europe/Paris', Date.UTC(2026, 10, 30, 7, 5, 9), '2026-11-30 08:05:09+01:00'],
    ['Europe/Paris', Date.UTC(2026, 2, 29, 0, 59, 59), '2026-03-29 01:59:59+01:00'],
    ['Europe/Paris', Date.UTC(2026, 2, 29, 1, 0, 0), '2026-03-29 03:00:00+02:00'],
    ['UTC', Date.UTC(2026, 0, 1, 0, 0, 0), '2026-01-01 00:00:00+00:00'],
    ['Asia/Kathmandu', Date.UTC(2026, 5, 30, 18, 14, 0), '2026-06-30 23:59:00+05:45'],
    ['America/St_Johns', Date.UTC(2026, 0, 1, 3, 29, 59), '2025-12-31 23:59:59-03:30'],
  ])('writes %s at %d as %s, the time as formatLocalTime does', (tz, ms, expected) => {
    expect(localDateTime(ms, tz)).toBe(expected);
    expect(localDateTime(ms, tz).slice(11)).toBe(formatLocalTime(ms, tz));
  });
});

describe('failuresCsv', () => {
  it('is RFC 4180: a header row, CRLF records, quotes doubled, read back as written', async () => {
    const rows = [entry(), entry({ pk: 'backup#"quoted", with comma', message: 'say "hi", then\nfail' })];
    const csv = await failuresCsv(rows, 'failures-2026-11-30', options);
    expect(csv).toMatchObject({ fileName: 'failures-2026-11-30.csv', contentType: 'text/csv; charset=utf-8', rows: 2, gzipped: false });
    const text = Buffer.from(csv.bytes).toString('utf8');
    expect(text.split('\r\n')).toHaveLength(4);
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(text).toContain('"backup#""quoted"", with comma"');
    const back = parse(text, { columns: true }) as Record<string, string>[];
    expect(back.map((r) => [r['pk'], r['message_head']])).toEqual([
      ['etl-orders#run-1', 'Connection to 10.0.0.7:5432 timed out'],
      ['backup#"quoted", with comma', 'say "hi", then ⏎ fail'],
    ]);
  });

  it('compresses past the size limit, and the gzip holds every row', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => entry({ pk: `etl-orders#run-${i}`, message: `timeout ${'x'.repeat(200)}` }));
    const csv = await failuresCsv(many, 'failures-2026-11-30', { ...options, gzipAboveBytes: 50_000 });
    expect(csv).toMatchObject({ fileName: 'failures-2026-11-30.csv.gz', contentType: 'application/gzip', rows: 2_000, gzipped: true });
    const text = gunzipSync(csv.bytes).toString('utf8');
    expect(parse(text, { columns: true })).toHaveLength(2_000);
    expect(csv.bytes.length).toBeLessThan(text.length / 10);
  });

  it('reads entries as they come, from an async source', async () => {
    async function* pages() {
      yield entry({ pk: 'a#1' });
      yield entry({ pk: 'b#2' });
    }
    const csv = await failuresCsv(pages(), 'x', options);
    expect(csv.rows).toBe(2);
  });
});

import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readExecutionItem, type FailureEntry } from '../../shared/capture/entry.ts';
import { queryFailedInWindow } from '../../shared/source/gsi.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { EXECUTION_LOG_TABLE } from '../../shared/tables.ts';
import { dayWindow, type DayWindow } from '../../shared/time/report-day.ts';
import type { Clients } from '../../shared/aws/clients.ts';
import { pagedReadUnits, scanReadUnits } from './capacity.ts';
import type { LoadedDay } from './days.ts';
import type { PageReading, ReadMeter } from './meter.ts';
import { median, rotation } from './stats.ts';

export const METHODS = ['summary', 'gsi', 'scan'] as const;
export type Method = (typeof METHODS)[number];

export interface ReadRun {
  readonly method: Method;
  readonly round: number;
  readonly wallMs: number;
  readonly entries: number;
  readonly pages: readonly PageReading[];
}

export interface DigestReadRow {
  readonly failures: number;
  readonly method: Method;
  /** Median over the rounds. */
  readonly wall_ms: number;
  /** Read units by AWS's rules from the sizes of the items read (eventually consistent). */
  readonly rcu: number;
  readonly pages: number;
  /** Response bytes on the wire. */
  readonly bytes: number;
  /** Bytes DynamoDB read to answer, by its item-size rules (what the read units are made of). */
  readonly bytes_read: number;
  readonly items_read: number;
  /** ConsumedCapacity as DynamoDB Local reported it. */
  readonly rcu_local: number;
  readonly rounds: number;
  readonly wall_ms_all: readonly number[];
}

/**
 * A log-query engine's way: read the whole table and keep the day's FAILED
 * items, one Scan page after the other.
 */
export async function scanFailedInWindow(dynamodb: DynamoDBClient, table: string, window: DayWindow, nowMs: number): Promise<FailureEntry[]> {
  const entries: FailureEntry[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#status = :failed AND #ts BETWEEN :start AND :last',
        ExpressionAttributeNames: { '#status': EXECUTION_LOG_TABLE.attributes.status, '#ts': EXECUTION_LOG_TABLE.attributes.eventTs },
        ExpressionAttributeValues: {
          ':failed': { S: EXECUTION_LOG_TABLE.failedStatus },
          ':start': { N: String(window.start_ms) },
          ':last': { N: String(window.end_ms - 1) },
        },
        ExclusiveStartKey: startKey,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    for (const item of page.Items ?? []) {
      const read = readExecutionItem(item, nowMs);
      if (read.kind === 'failure') entries.push(read.entry);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return entries;
}

async function readOnce(method: Method, clients: Clients, day: LoadedDay): Promise<FailureEntry[]> {
  const { config } = day;
  const window = dayWindow(day.date, day.tz);
  switch (method) {
    case 'summary':
      return new SummaryStore(clients.doc, config.summaryTable, config.retentionDays).readDay(day.tz, day.date);
    case 'gsi':
      return (await queryFailedInWindow(clients.dynamodb, config.executionTable, config.gsiName, window, Date.now())).entries;
    case 'scan':
      return scanFailedInWindow(clients.dynamodb, config.executionTable, window, Date.now());
  }
}

/**
 * The three ways to read one day's failures, side by side: `rounds` rounds,
 * each running every method once in a rotating order, after a warm-up of the
 * two queries that is not kept (unless `warmUp` is false: a query that
 * takes a minute needs no warming). Every method must return exactly the
 * day's failures.
 */
export async function measureDigestReads(
  clients: Clients,
  meter: ReadMeter,
  day: LoadedDay,
  rounds: number,
  onRun?: (run: ReadRun) => void,
  warmUp = true,
): Promise<DigestReadRow[]> {
  const runs: ReadRun[] = [];
  for (let round = warmUp ? -1 : 0; round < rounds; round++) {
    // The warm-up leaves the scan out: it warms nothing the other rounds need and is by far the slowest.
    const methods = round < 0 ? METHODS.filter((m) => m !== 'scan') : rotation(METHODS, round);
    for (const method of methods) {
      let pages: PageReading[] = [];
      meter.start();
      const started = performance.now();
      let entries: FailureEntry[];
      try {
        entries = await readOnce(method, clients, day);
      } finally {
        pages = meter.stop();
      }
      const wallMs = performance.now() - started;
      if (entries.length !== day.failures) {
        throw new Error(`${method} read ${entries.length} failures of ${day.date}, expected ${day.failures}`);
      }
      const run: ReadRun = { method, round, wallMs, entries: entries.length, pages };
      if (round >= 0) runs.push(run);
      onRun?.(run);
    }
  }
  return METHODS.map((method) => summarise(method, runs.filter((r) => r.method === method), day));
}

function summarise(method: Method, runs: readonly ReadRun[], day: LoadedDay): DigestReadRow {
  // Pages, bytes and units are the same in every round; the first round's stand for all.
  const pages = runs[0]!.pages;
  const returnedBytes = pages.reduce((s, p) => s + p.itemBytes, 0);
  const scanned = pages.reduce((s, p) => s + p.scannedCount, 0);
  const rcu =
    method === 'scan'
      ? scanReadUnits(day.tableBytes, day.tableItems, pages.map((p) => p.scannedCount))
      : pagedReadUnits(pages.map((p) => p.itemBytes));
  const wall = runs.map((r) => r.wallMs);
  return {
    failures: day.failures,
    method,
    wall_ms: median(wall),
    rcu,
    pages: pages.length,
    bytes: pages.reduce((s, p) => s + p.wireBytes, 0),
    bytes_read: method === 'scan' ? day.tableBytes : returnedBytes,
    items_read: scanned,
    rcu_local: pages.reduce((s, p) => s + p.reportedUnits, 0),
    rounds: runs.length,
    wall_ms_all: wall,
  };
}

export interface ScanFullDayRow {
  readonly failures: number;
  /** Items and bytes a table holding the whole day (every SUCCESS run too) would have. */
  readonly table_items: number;
  readonly table_bytes: number;
  /** Full-day table bytes over the measured table's bytes. */
  readonly factor: number;
  readonly wall_ms: number;
  readonly rcu: number;
  readonly pages: number;
}

/**
 * A Scan's cost is linear in the size of the table it reads: the measured
 * scan, scaled from the table as written to one holding every run of the
 * day at the stated FAILED share. A table that keeps N days costs N times more.
 */
export function extrapolateScan(row: DigestReadRow, day: LoadedDay): ScanFullDayRow {
  const fullBytes = day.failures * day.avgFailedBytes + day.realSuccesses * (Number.isFinite(day.avgSuccessBytes) ? day.avgSuccessBytes : 0);
  const factor = fullBytes / day.tableBytes;
  return {
    failures: day.failures,
    table_items: day.realRuns,
    table_bytes: fullBytes,
    factor,
    wall_ms: row.wall_ms * factor,
    rcu: row.rcu * factor,
    pages: Math.ceil(row.pages * factor),
  };
}

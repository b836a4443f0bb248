import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clients } from '../../shared/aws/clients.ts';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { readExecutionItem, type FailureEntry } from '../../shared/capture/entry.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { dayEntryItem } from '../../shared/summary/model/day-entry.ts';
import { expiresAt, type SummaryItem } from '../../shared/summary/model/table.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { mulberry32 } from '../../infra/local/demo-data.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { benchFailures } from './data.ts';

/** Items made and written at a time: what the loader holds, whatever the day's size. */
const CHUNK_ITEMS = 2_000;
/** Chunks in flight while the next is made; each is written by several BatchWriteItem calls at once. */
const CHUNKS_IN_FLIGHT = 3;
const WRITERS_PER_CHUNK = 8;

export interface LargeDayOptions {
  readonly clients: Clients;
  readonly config: DigestConfig;
  readonly date: string;
  readonly failures: number;
  readonly log: (m: string) => void;
  /** @default Date.now */
  readonly clock?: () => number;
}

export interface LargeDay {
  readonly date: string;
  readonly tz: string;
  readonly failures: number;
  readonly config: DigestConfig;
  /** Making and writing the entries. */
  readonly writeMs: number;
  /** SummaryStore.rebuildGroups over the written entries. */
  readonly groupsMs: number;
  readonly groupItems: number;
  readonly entriesPerS: number;
}

export class LargeDayMismatchError extends Error {
  constructor(date: string, what: string) {
    super(`the large day ${date} did not load as made: ${what}`);
    this.name = 'LargeDayMismatchError';
  }
}

/**
 * Distinct failures the day is drawn from: each is made and read once, as
 * capture reads it (the signature of a 4 KB trace is the costly part), and
 * the day repeats them under new run ids and times. Enough for the day's
 * mix of processes and errors, bursts included, and far more than its groups.
 */
const POOL = 20_000;
/** How far a repeated failure's time moves from the drawn one, either way. */
const JITTER_MS = 30 * 60_000;

/** The summary's entry items of a day's failures, as capture would write them, made as they are asked for. */
function* entryItems(o: LargeDayOptions, capturedMs: number): Generator<SummaryItem> {
  const tz = o.config.reportTz;
  const window = dayWindow(o.date, tz);
  const expires = expiresAt(capturedMs, o.config.retentionDays);
  const pool: FailureEntry[] = [];
  for (const item of benchFailures({ date: o.date, tz, failures: Math.min(POOL, o.failures), failedShare: 1, successesWritten: 0, seed: o.failures })) {
    const read = readExecutionItem(marshall(item, { removeUndefinedValues: true }), capturedMs);
    if (read.kind !== 'failure') throw new LargeDayMismatchError(o.date, `${item.pk} read as ${read.kind}`);
    pool.push(read.entry);
  }
  const rng = mulberry32(o.failures + 1);
  const tag = o.date.replaceAll('-', '');
  for (let i = 0; i < o.failures; i++) {
    const drawn = pool[i % pool.length]!;
    const moved = drawn.event_ts + Math.floor((rng() * 2 - 1) * JITTER_MS);
    const entry: FailureEntry = {
      ...drawn,
      pk: `${drawn.process}#run-${tag}-${String(i).padStart(7, '0')}`,
      event_ts: Math.min(window.end_ms - 1, Math.max(window.start_ms, moved)),
    };
    yield dayEntryItem(entry, tz, o.date, expires);
  }
}

/**
 * A report day of any size written straight into the summary, fast and in
 * bounded memory: the execution-log items the benchmark makes, read by
 * capture's own reader and written as its day entries (POOL distinct ones,
 * repeated), a few thousand at a time; then the groups counted by the product's own rebuild, and the day
 * marked covered and rebuilt as reprocess leaves it, so the digest reads it
 * from the summary. Nothing goes through the execution log or its stream.
 */
export async function loadLargeDay(o: LargeDayOptions): Promise<LargeDay> {
  const clock = o.clock ?? Date.now;
  const { config } = o;
  const tz = config.reportTz;
  await ensureLocalTables(o.clients.dynamodb, config);
  const store = new SummaryStore(o.clients.doc, config.summaryTable, config.retentionDays);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let chunk: SummaryItem[] = [];
  let written = 0;
  let lastLog = started;
  const flush = async () => {
    const writing = batchPutAll(o.clients.doc, config.summaryTable, chunk, WRITERS_PER_CHUNK);
    // Awaited in turn below; a chunk that fails while an earlier one is awaited is no unhandled rejection.
    writing.catch(() => undefined);
    inFlight.push(writing);
    written += chunk.length;
    chunk = [];
    if (inFlight.length >= CHUNKS_IN_FLIGHT) await inFlight.shift();
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      o.log(`    ${written.toLocaleString('en-US')} entries made, ${Math.round(written / ((lastLog - started) / 1000))}/s`);
    }
  };
  try {
    for (const item of entryItems(o, clock())) {
      chunk.push(item);
      if (chunk.length >= CHUNK_ITEMS) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    // A failed chunk must not leave writes running into the next phase.
    await Promise.allSettled(inFlight);
  }
  await Promise.all(inFlight);
  const writeMs = performance.now() - started;

  const rebuildStarted = performance.now();
  const rebuilt = await store.rebuildGroups(tz, o.date, clock());
  const groupsMs = performance.now() - rebuildStarted;
  // As the local stack records it: capture has kept entries and groups from the start.
  await store.ensureCoverage(tz, 0);
  if (!(await store.markRebuilt(tz, o.date, clock(), undefined))) throw new LargeDayMismatchError(o.date, 'its state changed while it loaded');
  const counted = (await store.readGroups(tz, o.date)).reduce((n, g) => n + g.count, 0);
  if (counted !== o.failures) throw new LargeDayMismatchError(o.date, `its groups count ${counted} failures, expected ${o.failures}`);
  return { date: o.date, tz, failures: o.failures, config, writeMs, groupsMs, groupItems: rebuilt.written, entriesPerS: o.failures / (writeMs / 1000) };
}

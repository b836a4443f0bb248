import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays, reportDayOf } from '../../shared/time/report-day.ts';
import { runChild } from './children.ts';
import type { E2eInput, E2eOutput, MemorySample } from './e2e-child.ts';
import { e2eBaselineMb } from './e2e.ts';
import { int, num, textTable } from './format.ts';
import { loadLargeDay } from './large-day.ts';
import { benchConfig, benchEnv, dropTables, type BenchStack } from './local.ts';

/** The issue's targets for the digest Lambda (512 MB): peak RSS below these at these day sizes. */
export const MEMORY_TARGETS = [
  { failures: 300_000, maxRssMb: 256 },
  { failures: 1_000_000, maxRssMb: 512 },
] as const;

export interface MemoryRow {
  readonly failures: number;
  readonly target_rss_mb: number;
  readonly peak_rss_mb: number;
  readonly met: boolean;
  /** Highest parts of memory sampled while the digest ran. */
  readonly sampled: MemorySample | null;
  /** runDigest: read, tally, CSV, render, claim, send, confirm. */
  readonly wall_ms: number;
  /** From fork to exit. */
  readonly process_ms: number;
  readonly groups: number;
  readonly email_bytes: number;
  readonly csv_bytes: number;
  readonly csv_rows: number;
  readonly csv_gzipped: boolean;
  /** `attached`: with the email; `archived`: too large for SES, kept in REPORT_ARCHIVE instead. */
  readonly csv: 'attached' | 'archived';
  readonly load: { readonly write_s: number; readonly groups_s: number; readonly entries_per_s: number };
  /** The same digest again with V8's old space capped: what the run needs once V8 may not grow its heap lazily. */
  readonly capped: { readonly heap_cap_mb: number; readonly completed: boolean; readonly peak_rss_mb: number; readonly wall_ms: number; readonly error?: string };
}

export interface MemoryResult {
  readonly generated_at: string;
  /** The digest child with its modules loaded and nothing read. */
  readonly baseline_rss_mb: number;
  readonly rows: readonly MemoryRow[];
  readonly elapsed_s: number;
}

export interface MemoryPlan {
  readonly tz: string;
  /** --max-old-space-size of the capped run. */
  readonly heapCapMb: number;
  readonly sizes: readonly { readonly failures: number; readonly maxRssMb: number }[];
}

const toMb = (kb: number) => kb / 1024;

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String);
  } catch {
    return [];
  }
}

/**
 * Loads each day size straight into the summary of one DynamoDB Local and
 * runs the digest of it, once, in a fresh process bundled like the Lambda
 * (summary source, forced), with a folder as its REPORT_ARCHIVE.
 */
export async function measureMemory(stack: BenchStack, childFile: string, plan: MemoryPlan, log: (m: string) => void): Promise<MemoryResult> {
  const began = performance.now();
  const today = reportDayOf(Date.now(), plan.tz);
  return stack.withDynamoDb(async ({ clients, endpoints }) => {
    const ctx = { childFile, endpoints, track: stack.track };
    const baseline = await e2eBaselineMb(ctx);
    log(`digest child baseline (modules loaded, nothing read): ${num(baseline)} MB`);
    const rows: MemoryRow[] = [];
    for (const [i, size] of plan.sizes.entries()) {
      const name = `mem${size.failures}`;
      const config = benchConfig(name, plan.tz);
      const date = addDays(today, -(3 + i));
      log(`day ${date}: writing ${int(size.failures)} failures straight into the summary…`);
      const day = await loadLargeDay({ clients, config, date, failures: size.failures, log });
      log(`  entries in ${num(day.writeMs / 1000)} s (${int(day.entriesPerS)}/s), groups rebuilt in ${num(day.groupsMs / 1000)} s`);
      const archive = join(stack.workDir, 'archive', name);
      const input: E2eInput = { mode: 'digest', endpoints, env: { ...benchEnv(name, plan.tz), REPORT_ARCHIVE: archive }, date, source: 'summary' };
      log('  the digest end to end in a fresh process…');
      const { output, processMs } = await runChild<E2eOutput>(childFile, 'BENCH_E2E', input, stack.track, 30 * 60_000);
      log(`  peak RSS ${num(toMb(output.max_rss_kb))} MB; again with --max-old-space-size=${plan.heapCapMb}…`);
      const capped: MemoryRow['capped'] = await runChild<E2eOutput>(childFile, 'BENCH_E2E', input, stack.track, 30 * 60_000, [`--max-old-space-size=${plan.heapCapMb}`]).then(
        ({ output: o }) => ({ heap_cap_mb: plan.heapCapMb, completed: o.status === 'sent', peak_rss_mb: toMb(o.max_rss_kb), wall_ms: o.wall_ms }),
        (e: unknown) => ({ heap_cap_mb: plan.heapCapMb, completed: false, peak_rss_mb: Number.NaN, wall_ms: Number.NaN, error: e instanceof Error ? e.message : String(e) }),
      );
      if (output.status !== 'sent') throw new Error(`the digest of ${date} ended ${output.status}`);
      if (output.count !== size.failures) throw new Error(`the digest of ${date} counted ${output.count} failures, expected ${size.failures}`);
      const archived = (await filesUnder(archive)).some((f) => /\.csv(\.gz)?$/.test(f));
      if (archived === (output.attached === true)) throw new Error(`the CSV of ${date} was ${output.attached ? 'attached and archived' : 'neither attached nor archived'}`);
      const peak = toMb(output.max_rss_kb);
      const row: MemoryRow = {
        failures: size.failures,
        target_rss_mb: size.maxRssMb,
        peak_rss_mb: peak,
        met: peak < size.maxRssMb,
        sampled: output.sampled ?? null,
        wall_ms: output.wall_ms,
        process_ms: processMs,
        groups: output.groups ?? 0,
        email_bytes: output.email_bytes ?? 0,
        csv_bytes: output.csv_bytes ?? 0,
        csv_rows: output.csv_rows ?? 0,
        csv_gzipped: output.csv_gzipped === true,
        csv: output.attached ? 'attached' : 'archived',
        load: { write_s: day.writeMs / 1000, groups_s: day.groupsMs / 1000, entries_per_s: day.entriesPerS },
        capped,
      };
      rows.push(row);
      // DynamoDB Local holds every table in its heap: the next, larger day gets the room.
      await dropTables(clients, config);
      log(`  peak RSS ${num(peak)} MB (target < ${size.maxRssMb} MB), ${num(row.wall_ms / 1000)} s, CSV ${num(row.csv_bytes / 1024 / 1024)} MB ${row.csv}; capped: ${capped.completed ? `${num(capped.peak_rss_mb)} MB` : `failed (${capped.error ?? 'not sent'})`}`);
    }
    return { generated_at: new Date().toISOString(), baseline_rss_mb: baseline, rows, elapsed_s: (performance.now() - began) / 1000 };
  });
}

/** The terminal table of a memory run. Pure. */
export function renderMemory(r: MemoryResult): string {
  const mb = (bytes: number) => num(bytes / 1024 / 1024);
  const table = textTable(
    ['failures/day', 'peak RSS MB', 'target MB', 'met', 'heap MB', 'buffers MB', 'capped RSS MB', 'digest s', 'email KB', 'CSV MB', 'CSV', 'groups', 'load /s'],
    r.rows.map((row) => [
      int(row.failures),
      num(row.peak_rss_mb),
      `< ${row.target_rss_mb}`,
      row.met ? 'yes' : 'NO',
      row.sampled ? num(row.sampled.heap_used_mb) : '-',
      row.sampled ? num(row.sampled.array_buffers_mb) : '-',
      row.capped.completed ? num(row.capped.peak_rss_mb) : 'failed',
      num(row.wall_ms / 1000),
      num(row.email_bytes / 1024),
      mb(row.csv_bytes),
      row.csv,
      int(row.groups),
      int(row.load.entries_per_s),
    ]),
  );
  return `digest memory, end to end in a fresh process bundled like the Lambda (baseline ${num(r.baseline_rss_mb)} MB):\n${table}\n`;
}

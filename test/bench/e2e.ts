import type { ChildProcess } from 'node:child_process';
import { runChild } from './children.ts';
import type { LoadedDay } from './days.ts';
import type { E2eInput, E2eOutput } from './e2e-child.ts';
import { benchEnv } from './local.ts';
import { median } from './stats.ts';

export interface E2eRow {
  readonly failures: number;
  readonly source: 'summary' | 'gsi';
  /** Median over the runs of runDigest: read, group, render, claim, send, confirm. */
  readonly wall_ms: number;
  /** Largest max RSS of the runs' processes. */
  readonly peak_rss_mb: number;
  /** Subject, text and HTML parts of the email. */
  readonly email_bytes: number;
  /** The CSV as it went with the email; 0 when it was too large and was archived instead. */
  readonly attachment_bytes: number;
  readonly groups: number;
  /** Median time from fork to exit: process start, module load, the run, shutdown. */
  readonly process_ms: number;
  readonly runs: number;
}

export interface E2eContext {
  readonly childFile: string;
  readonly endpoints: { readonly dynamodb: string; readonly ses: string };
  readonly track: (child: ChildProcess) => void;
}

const toMb = (kb: number) => kb / 1024;

/** Memory of the child process that loads everything and reads nothing: the floor under every e2e peak. */
export async function e2eBaselineMb(ctx: E2eContext): Promise<number> {
  const input: E2eInput = { mode: 'baseline', endpoints: ctx.endpoints, env: benchEnv('baseline', 'UTC'), date: '2026-01-01' };
  const { output } = await runChild<E2eOutput>(ctx.childFile, 'BENCH_E2E', input, ctx.track);
  return toMb(output.max_rss_kb);
}

/**
 * The day's digest end to end, each run in a fresh process: the design (the
 * source the digest chooses, which must be the summary) and the GSI query
 * users run today, alternating.
 */
export async function measureE2e(ctx: E2eContext, day: LoadedDay, runs: number, name: string): Promise<E2eRow[]> {
  const results = { summary: [] as { out: E2eOutput; ms: number }[], gsi: [] as { out: E2eOutput; ms: number }[] };
  for (let i = 0; i < runs; i++) {
    for (const source of i % 2 === 0 ? (['summary', 'gsi'] as const) : (['gsi', 'summary'] as const)) {
      const input: E2eInput = {
        mode: 'digest',
        endpoints: ctx.endpoints,
        env: benchEnv(name, day.tz),
        date: day.date,
        ...(source === 'gsi' ? { source } : {}),
      };
      const { output, processMs } = await runChild<E2eOutput>(ctx.childFile, 'BENCH_E2E', input, ctx.track);
      if (output.status !== 'sent') throw new Error(`the ${source} digest of ${day.date} ended ${output.status}`);
      if (output.source !== source) throw new Error(`the digest of ${day.date} read ${output.source}, expected ${source}`);
      if (output.count !== day.failures) throw new Error(`the ${source} digest counted ${output.count} failures, expected ${day.failures}`);
      results[source].push({ out: output, ms: processMs });
    }
  }
  return (['summary', 'gsi'] as const).map((source) => {
    const r = results[source];
    return {
      failures: day.failures,
      source,
      wall_ms: median(r.map((x) => x.out.wall_ms)),
      peak_rss_mb: Math.max(...r.map((x) => toMb(x.out.max_rss_kb))),
      email_bytes: r[0]!.out.email_bytes ?? 0,
      attachment_bytes: r[0]!.out.attached ? (r[0]!.out.csv_bytes ?? 0) : 0,
      groups: r[0]!.out.groups ?? 0,
      process_ms: median(r.map((x) => x.ms)),
      runs: r.length,
    };
  });
}

export interface E2eCappedRow {
  readonly failures: number;
  /** --max-old-space-size given to the process. */
  readonly heap_cap_mb: number;
  readonly completed: boolean;
  readonly wall_ms: number;
  readonly peak_rss_mb: number;
  readonly error?: string;
}

/**
 * The design's digest once more with the V8 heap capped, as in a function
 * with little memory: with a roomy machine V8 collects lazily and the peak
 * RSS above says more about this machine than about what the run needs.
 */
export async function measureE2eCapped(ctx: E2eContext, day: LoadedDay, name: string, heapCapMb: number): Promise<E2eCappedRow> {
  const input: E2eInput = { mode: 'digest', endpoints: ctx.endpoints, env: benchEnv(name, day.tz), date: day.date };
  try {
    const { output } = await runChild<E2eOutput>(ctx.childFile, 'BENCH_E2E', input, ctx.track, 10 * 60_000, [`--max-old-space-size=${heapCapMb}`]);
    return { failures: day.failures, heap_cap_mb: heapCapMb, completed: output.status === 'sent', wall_ms: output.wall_ms, peak_rss_mb: toMb(output.max_rss_kb) };
  } catch (e) {
    return { failures: day.failures, heap_cap_mb: heapCapMb, completed: false, wall_ms: Number.NaN, peak_rss_mb: Number.NaN, error: e instanceof Error ? e.message : String(e) };
  }
}

import { errorMessage, mulberry32, type ExecutionItem } from '../../infra/local/demo-data.ts';
import { dayWindow } from '../../shared/time/report-day.ts';

/**
 * Benchmark-sized days of execution logs: many processes, a few percent
 * FAILED with bursts, error messages and stack traces of 0.2 to 4 KB, and the
 * other attributes real jobs log. Deterministic for a seed.
 */

export const MIN_MESSAGE_BYTES = 200;
export const MAX_MESSAGE_BYTES = 4096;

const DOMAINS = [
  'payments', 'billing', 'orders', 'inventory', 'crm', 'search', 'ledger', 'kyc', 'fraud', 'email', 'partner', 'ml',
  'reporting', 'shipping', 'catalog', 'auth', 'analytics', 'notifications', 'pricing', 'warehouse', 'returns', 'tax',
];
const JOBS = [
  'sync', 'export', 'import', 'reconciler', 'reindex', 'worker', 'etl', 'rollup', 'close', 'dispatch', 'scoring',
  'refresh', 'archiver', 'backfill', 'feed-sftp', 'compactor',
];
const HOSTS = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? `batch-worker-${(0x1a2b + i * 977).toString(16)}` : `ip-10-0-${1 + (i % 4)}-${17 + i * 7}`));

/** Process names such as `ledger-close` or `partner-feed-sftp`, the same list for a seed. */
export function processNames(count: number, seed = 7): string[] {
  const rng = mulberry32(seed);
  const names = new Set<string>();
  while (names.size < Math.min(count, DOMAINS.length * JOBS.length)) {
    names.add(`${DOMAINS[Math.floor(rng() * DOMAINS.length)]}-${JOBS[Math.floor(rng() * JOBS.length)]}`);
  }
  return [...names];
}

function frame(rng: () => number, style: 'node' | 'java' | 'python'): string {
  const line = 10 + Math.floor(rng() * 1900);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  if (style === 'java') {
    return `\tat com.acme.${pick(['batch.JobRunner.run', 'db.JdbcTemplate.execute', 'io.S3Sink.flush', 'ledger.CloseService.close', 'http.RetryingClient.send'])}(${pick(['JobRunner', 'JdbcTemplate', 'S3Sink', 'CloseService', 'RetryingClient'])}.java:${line})`;
  }
  if (style === 'python') {
    return `  File "/opt/app/${pick(['pipeline', 'features', 'io', 'jobs'])}/${pick(['run', 'build', 'sink', 'client'])}.py", line ${line}, in ${pick(['main', 'refresh', 'write_parquet', '_retry', 'fetch_page'])}`;
  }
  return `    at ${pick(['processBatch', 'Runner.execute', 'withRetry', 'Pool.query', 'handler', 'async Promise.all (index 3)', 'Client.send'])} (/var/task/${pick(['src/jobs', 'node_modules/pg/lib', 'src/lib', 'node_modules/@smithy/middleware-retry/dist-cjs'])}/${pick(['run', 'client', 'retry', 'index'])}.js:${line}:${(line % 60) + 1})`;
}

/**
 * An error as a job logs it, 200 to 4,096 bytes (log-uniform, so most are a
 * few hundred bytes and some are long traces): the head of a realistic error,
 * its stack, sometimes a cause, cut at a line end.
 */
export function benchMessage(rng: () => number, proc: string): string {
  const target = Math.round(MIN_MESSAGE_BYTES * (MAX_MESSAGE_BYTES / MIN_MESSAGE_BYTES) ** rng());
  let msg = errorMessage(rng, proc);
  const style = msg.includes('\tat ') ? 'java' : msg.includes('File "') ? 'python' : 'node';
  let causes = 0;
  while (msg.length < target) {
    if (causes < 2 && rng() < 0.04) {
      causes += 1;
      msg += style === 'java'
        ? `\nCaused by: java.net.SocketTimeoutException: Read timed out (request ${Math.floor(rng() * 1e9).toString(16)})`
        : `\n  [cause]: Error: socket hang up (requestId=${Math.floor(rng() * 1e12).toString(36)}, attempt=3/3)`;
    } else {
      msg += `\n${frame(rng, style)}`;
    }
  }
  if (msg.length > target) {
    const cut = msg.lastIndexOf('\n', target);
    msg = cut >= MIN_MESSAGE_BYTES ? msg.slice(0, cut) : msg.slice(0, Math.max(target, MIN_MESSAGE_BYTES));
  }
  return msg;
}

export interface BenchDayOptions {
  readonly date: string;
  readonly tz: string;
  readonly failures: number;
  /** Share of the day's runs that FAILED, e.g. 0.03: sets how many runs the day really had. */
  readonly failedShare: number;
  /** How many of the day's SUCCESS runs to write (the rest exist only on paper). */
  readonly successesWritten: number;
  /** @default 150 */
  readonly processes?: number;
  readonly seed?: number;
}

export interface BenchDay {
  readonly date: string;
  readonly tz: string;
  readonly failed: ExecutionItem[];
  readonly successes: ExecutionItem[];
  /** Runs the day really had at `failedShare`. */
  readonly realRuns: number;
  readonly realSuccesses: number;
  /** Failures that fell in the bursts. */
  readonly burstFailures: number;
}

/** Share of the day's failures that come in bursts: a few processes failing on every run for half an hour or so. */
const BURST_SHARE = 0.2;
const BURSTS = 3;

/** What a day's runs are drawn from: its window, random stream, processes and item maker, shared by the failures and the successes. */
interface DayDraw {
  readonly window: ReturnType<typeof dayWindow>;
  readonly rng: () => number;
  readonly procs: readonly string[];
  readonly item: (proc: string, ts: number, failed: boolean) => ExecutionItem;
  readonly burstFailures: number;
  /** The day's failures, made one at a time as they are asked for: three bursts, then a Zipf law over the processes. */
  readonly failures: () => Generator<ExecutionItem>;
}

function drawDay(o: BenchDayOptions): DayDraw {
  const window = dayWindow(o.date, o.tz);
  const span = window.end_ms - window.start_ms;
  const rng = mulberry32(o.seed ?? o.failures);
  const procs = processNames(o.processes ?? 150);
  const weights = procs.map((_, i) => 1 / (i + 1) ** 1.1);
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w) => (cumulative.push((acc + w) / total), acc + w), 0);
  const weighted = () => {
    const u = rng();
    const i = cumulative.findIndex((c) => c >= u);
    return procs[i === -1 ? procs.length - 1 : i]!;
  };
  const tag = o.date.replaceAll('-', '');
  let seq = 0;
  const item = (proc: string, ts: number, failed: boolean): ExecutionItem => {
    const runId = `run-${tag}-${String(seq++).padStart(7, '0')}`;
    return {
      pk: `${proc}#${runId}`,
      status: failed ? 'FAILED' : 'SUCCESS',
      event_ts: ts,
      ...(failed ? { message: benchMessage(rng, proc) } : {}),
      run_id: runId,
      host: HOSTS[Math.floor(rng() * HOSTS.length)]!,
      duration_ms: Math.floor(150 + rng() * (failed ? 900_000 : 240_000)),
      input_summary: `${Math.floor(rng() * 250_000)} rows, ${Math.floor(rng() * 2048)} MiB from s3://acme-${proc}/in/${o.date}/part-${Math.floor(rng() * 64)}`,
    };
  };
  const burstFailures = Math.round(o.failures * BURST_SHARE);
  function* failures(): Generator<ExecutionItem> {
    let made = 0;
    for (let b = 0; b < BURSTS; b++) {
      const proc = procs[Math.floor(rng() * 20)]!;
      const length = (20 + rng() * 25) * 60_000;
      const start = window.start_ms + rng() * (span - length);
      const n = Math.floor(burstFailures / BURSTS) + (b < burstFailures % BURSTS ? 1 : 0);
      for (let i = 0; i < n; i++) {
        const ts = Math.min(window.end_ms - 1, Math.floor(start + (i / n) * length + rng() * 1000));
        made += 1;
        yield item(proc, ts, true);
      }
    }
    for (; made < o.failures; made++) yield item(weighted(), Math.floor(window.start_ms + rng() * span), true);
  }
  return { window, rng, procs, item, burstFailures, failures };
}

/**
 * A day's failures one at a time, for days too large to hold: the same
 * items, in the same order, as `benchDay(o).failed`.
 */
export function benchFailures(o: BenchDayOptions): Generator<ExecutionItem> {
  return drawDay(o).failures();
}

/**
 * One report day. Failures follow a Zipf law over the processes (a few fail
 * a lot, most rarely) plus three bursts; successes are spread evenly.
 */
export function benchDay(o: BenchDayOptions): BenchDay {
  const { window, rng, procs, item, burstFailures, failures } = drawDay(o);
  const span = window.end_ms - window.start_ms;
  const failed = [...failures()];
  const realRuns = Math.round(o.failures / o.failedShare);
  const realSuccesses = realRuns - o.failures;
  const successes: ExecutionItem[] = [];
  const written = Math.min(o.successesWritten, realSuccesses);
  for (let i = 0; i < written; i++) {
    successes.push(item(procs[Math.floor(rng() * procs.length)]!, Math.floor(window.start_ms + rng() * span), false));
  }
  return { date: o.date, tz: o.tz, failed, successes, realRuns, realSuccesses, burstFailures };
}

/** Interleaves two lists by time, as writers would produce them over the day. */
export function byTime(...lists: readonly (readonly ExecutionItem[])[]): ExecutionItem[] {
  return lists.flat().sort((a, b) => a.event_ts - b.event_ts);
}

import { dayWindow } from '../../shared/time/report-day.ts';
import { seededRandom } from './seeded-random.ts';

/** An execution-log item as writers put it, with the attributes real jobs log. */
export interface ExecutionItem {
  readonly pk: string;
  readonly status: 'FAILED' | 'SUCCESS';
  readonly event_ts: number;
  readonly message?: string;
  readonly run_id: string;
  readonly host: string;
  readonly duration_ms: number;
  readonly input_summary: string;
}

/** Small, fast, seedable PRNG, so a demo or benchmark day is the same every run. */
export const mulberry32 = seededRandom;

interface ProcessSpec {
  readonly name: string;
  readonly everyMinutes: number;
  readonly failRate: number;
}

const PROCESSES: readonly ProcessSpec[] = [
  { name: 'payment-reconciler', everyMinutes: 5, failRate: 0.02 },
  { name: 'nightly-export', everyMinutes: 60, failRate: 0.05 },
  { name: 'billing-sync', everyMinutes: 2, failRate: 0.01 },
  { name: 'invoice-render', everyMinutes: 3, failRate: 0.015 },
  { name: 'crm-import', everyMinutes: 15, failRate: 0.04 },
  { name: 'search-reindex', everyMinutes: 10, failRate: 0.02 },
  { name: 'thumbnail-worker', everyMinutes: 1, failRate: 0.005 },
  { name: 'backup-postgres', everyMinutes: 240, failRate: 0.1 },
  { name: 'email-dispatch', everyMinutes: 1, failRate: 0.003 },
  { name: 'etl-orders', everyMinutes: 30, failRate: 0.03 },
  { name: 'etl-customers', everyMinutes: 30, failRate: 0.02 },
  { name: 'fraud-scoring', everyMinutes: 2, failRate: 0.01 },
  { name: 'ledger-close', everyMinutes: 1440, failRate: 0.2 },
  { name: 'inventory-sync', everyMinutes: 5, failRate: 0.02 },
  { name: 'partner-feed-sftp', everyMinutes: 60, failRate: 0.08 },
  { name: 'ml-feature-refresh', everyMinutes: 120, failRate: 0.05 },
  { name: 'cache-warmer', everyMinutes: 5, failRate: 0.004 },
  { name: 'audit-archiver', everyMinutes: 60, failRate: 0.0 },
  { name: 'kyc-verify', everyMinutes: 4, failRate: 0.02 },
  { name: 'sitemap-build', everyMinutes: 360, failRate: 0.0 },
];

const HOSTS = ['ip-10-0-1-17', 'ip-10-0-1-42', 'ip-10-0-2-8', 'ip-10-0-2-91', 'ip-10-0-3-33', 'batch-worker-7f9c', 'batch-worker-2a1d'];

function frames(rng: () => number, lang: 'node' | 'java' | 'python', depth: number): string {
  const out: string[] = [];
  for (let i = 0; i < depth; i++) {
    const line = 10 + Math.floor(rng() * 900);
    if (lang === 'node') out.push(`    at ${['processBatch', 'Runner.execute', 'withRetry', 'Pool.query', 'handler', 'async Promise.all (index 3)'][i % 6]} (/var/task/${['src/jobs', 'node_modules/pg/lib', 'src/lib'][i % 3]}/${['run', 'client', 'retry'][i % 3]}.js:${line}:${(line % 40) + 1})`);
    else if (lang === 'java') out.push(`\tat com.acme.${['batch.JobRunner.run', 'ledger.CloseService.close', 'db.JdbcTemplate.execute', 'io.S3Sink.flush'][i % 4]}(${['JobRunner', 'CloseService', 'JdbcTemplate', 'S3Sink'][i % 4]}.java:${line})`);
    else out.push(`  File "/opt/app/${['pipeline', 'features', 'io'][i % 3]}/${['run', 'build', 'sink'][i % 3]}.py", line ${line}, in ${['main', 'refresh', 'write_parquet', '_retry'][i % 4]}`);
  }
  return out.join('\n');
}

/** Error text of the kind real jobs log: one line, or a stack trace of 0.2 to 4 KB. */
export function errorMessage(rng: () => number, process: string): string {
  const kinds: (() => string)[] = [
    () => `TimeoutError: ${process} exceeded its 900 s limit while waiting for the upstream API\n${frames(rng, 'node', 4 + Math.floor(rng() * 10))}`,
    () => `Error: connect ECONNREFUSED 10.0.4.12:5432\n${frames(rng, 'node', 6 + Math.floor(rng() * 20))}`,
    () => `java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n${frames(rng, 'java', 8 + Math.floor(rng() * 40))}`,
    () => `Traceback (most recent call last):\n${frames(rng, 'python', 3 + Math.floor(rng() * 12))}\nbotocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation: Please reduce your request rate.`,
    () => `ValidationError: input row 4812 has an invalid currency code "XX1" (expected ISO 4217)`,
    () => `ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded.\n${frames(rng, 'node', 5)}`,
    () => `AccessDenied: User arn:aws:sts::123456789012:assumed-role/${process}-role/worker is not authorized to perform: s3:PutObject`,
  ];
  return kinds[Math.floor(rng() * kinds.length)]!();
}

export interface DayOptions {
  readonly date: string;
  readonly tz: string;
  readonly seed?: number;
  /** Stop at this instant (today's data up to now). */
  readonly untilMs?: number;
  /** A storm of failures of one process for half an hour from this local hour. @default 2 */
  readonly burstHour?: number | null;
}

/** A realistic day of execution logs: thousands of runs, a few percent FAILED, one burst. */
export function generateDay(options: DayOptions): ExecutionItem[] {
  const window = dayWindow(options.date, options.tz);
  const rng = mulberry32(options.seed ?? Number(options.date.replaceAll('-', '')));
  const until = Math.min(window.end_ms, options.untilMs ?? Number.POSITIVE_INFINITY);
  const items: ExecutionItem[] = [];
  const burstStart = options.burstHour === null ? undefined : window.start_ms + (options.burstHour ?? 2) * 3_600_000;
  const push = (spec: ProcessSpec, ts: number, failed: boolean) => {
    const seq = items.length;
    const runId = `${options.date.replaceAll('-', '')}-${String(seq).padStart(6, '0')}`;
    items.push({
      pk: `${spec.name}#run-${runId}`,
      status: failed ? 'FAILED' : 'SUCCESS',
      event_ts: ts,
      ...(failed ? { message: errorMessage(rng, spec.name) } : {}),
      run_id: `run-${runId}`,
      host: HOSTS[Math.floor(rng() * HOSTS.length)]!,
      duration_ms: Math.floor(200 + rng() * spec.everyMinutes * 20_000),
      input_summary: `${Math.floor(rng() * 50_000)} rows from s3://acme-${spec.name}/in/${options.date}/`,
    });
  };
  for (const spec of PROCESSES) {
    const step = spec.everyMinutes * 60_000;
    const offset = Math.floor(rng() * Math.min(step, 600_000));
    for (let ts = window.start_ms + offset; ts < until; ts += step) {
      const jitter = Math.floor(rng() * 30_000);
      if (ts + jitter < until) push(spec, ts + jitter, rng() < spec.failRate);
    }
  }
  if (burstStart !== undefined) {
    const storm = PROCESSES[0]!;
    for (let ts = burstStart; ts < burstStart + 1_800_000 && ts < until; ts += 7_000 + Math.floor(rng() * 6_000)) push(storm, ts, rng() < 0.85);
  }
  return items.sort((a, b) => a.event_ts - b.event_ts);
}

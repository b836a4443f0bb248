/**
 * One digest run in a process of its own, bundled like the Lambda, so its
 * peak memory is its own: reads the day, builds and renders the report, sends
 * it through the SES emulator, and reports back to the parent over IPC.
 */
import { createClients, destroyClients } from '../../shared/aws/clients.ts';
import { loadDigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { runDigest } from '../../shared/digest/run-digest.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';

export interface E2eInput {
  readonly mode: 'digest' | 'baseline';
  readonly endpoints: { readonly dynamodb: string; readonly ses: string };
  readonly env: Record<string, string>;
  readonly date: string;
  /** Force a source; without it the digest chooses as deployed. */
  readonly source?: 'summary' | 'gsi';
}

export interface E2eOutput {
  readonly wall_ms: number;
  readonly max_rss_kb: number;
  readonly status?: string;
  readonly source?: string;
  readonly count?: number;
  readonly groups?: number;
  readonly email_bytes?: number;
  /** The CSV of every failure: its size as made, and whether it went with the email (else it was archived). */
  readonly csv_bytes?: number;
  readonly csv_rows?: number;
  readonly csv_gzipped?: boolean;
  readonly attached?: boolean;
  /** Highest process.memoryUsage() seen while the digest ran, sampled: what held the peak, heap or buffers. */
  readonly sampled?: MemorySample;
}

export interface MemorySample {
  readonly rss_mb: number;
  readonly heap_used_mb: number;
  /** Buffers and typed arrays, outside the V8 heap. */
  readonly array_buffers_mb: number;
}

const MB = 1024 * 1024;

/** The peak of each part of memory, sampled every few milliseconds while `run` runs. */
async function sampled<T>(run: () => Promise<T>): Promise<{ value: T; peak: MemorySample }> {
  const peak = { rss_mb: 0, heap_used_mb: 0, array_buffers_mb: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss_mb = Math.max(peak.rss_mb, m.rss / MB);
    peak.heap_used_mb = Math.max(peak.heap_used_mb, m.heapUsed / MB);
    peak.array_buffers_mb = Math.max(peak.array_buffers_mb, m.arrayBuffers / MB);
  };
  const timer = setInterval(sample, 20);
  try {
    const value = await run();
    sample();
    return { value, peak };
  } finally {
    clearInterval(timer);
  }
}

const send = (out: E2eOutput) => new Promise<void>((resolve) => process.send!(out, () => resolve()));

const input = JSON.parse(process.env['BENCH_E2E'] ?? '{}') as E2eInput;
const config = loadDigestConfig(input.env);
const clients = createClients({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoints: { dynamodb: input.endpoints.dynamodb, ses: input.endpoints.ses },
});
// The local stack recovers dropped ranges inline: no queue holds any.
const deps = digestDeps(clients, config, { drops: INLINE_DROPS });
if (input.mode === 'baseline') {
  await send({ wall_ms: 0, max_rss_kb: process.resourceUsage().maxRSS });
} else {
  const started = performance.now();
  const { value: outcome, peak } = await sampled(() =>
    runDigest(deps, {
      date: input.date,
      tz: config.reportTz,
      from: config.sesFrom,
      to: config.sesTo,
      force: true,
      ...(input.source ? { source: input.source } : {}),
    }),
  );
  const wallMs = performance.now() - started;
  const { subject, text, html } = outcome.email;
  await send({
    wall_ms: wallMs,
    max_rss_kb: process.resourceUsage().maxRSS,
    status: outcome.status,
    source: outcome.report.source,
    count: outcome.report.count,
    groups: outcome.report.groups.length,
    email_bytes: Buffer.byteLength(subject) + Buffer.byteLength(text) + Buffer.byteLength(html),
    csv_bytes: outcome.csv.bytes.length,
    csv_rows: outcome.csv.rows,
    csv_gzipped: outcome.csv.gzipped,
    attached: outcome.attached,
    sampled: peak,
  });
}
destroyClients(clients);
process.disconnect?.();

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
  const outcome = await runDigest(deps, {
    date: input.date,
    tz: config.reportTz,
    from: config.sesFrom,
    to: config.sesTo,
    force: true,
    ...(input.source ? { source: input.source } : {}),
  });
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
  });
}
destroyClients(clients);
process.disconnect?.();

/**
 * A writer process for the capture measurement: puts execution-log items at
 * a fixed rate (open loop: a slow answer does not slow the schedule down),
 * with the realistic FAILED share and at most one burst, and records when each FAILED
 * item's write was acknowledged. Bundled and run as a child of the benchmark.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createClients, destroyClients } from '../../shared/aws/clients.ts';
import { mulberry32 } from '../../infra/local/demo-data.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { benchMessage, processNames } from './data.ts';

export interface WriterInput {
  readonly endpoint: string;
  readonly table: string;
  readonly ratePerS: number;
  readonly durationS: number;
  readonly failedShare: number;
  /** A stretch at a higher FAILED share; none when absent. */
  readonly burst?: { readonly atS: number; readonly forS: number; readonly share: number };
  readonly seed: number;
}

export interface WriterOutput {
  readonly written: number;
  readonly failedWritten: number;
  readonly elapsedMs: number;
  /** [pk, event_ts, acknowledged at (epoch ms, sub-ms precision)] of every FAILED item. */
  readonly acks: readonly (readonly [string, number, number])[];
  readonly batchMs: readonly number[];
  readonly maxInFlight: number;
}

const MAX_IN_FLIGHT = 48;
const MAX_BATCH = 25;
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const input = JSON.parse(process.env['BENCH_WRITER'] ?? '{}') as WriterInput;
const clients = createClients({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoints: { dynamodb: input.endpoint } });
const rng = mulberry32(input.seed);
const procs = processNames(150);
const acks: [string, number, number][] = [];
const batchMs: number[] = [];
let seq = 0;
let failedWritten = 0;

function item(elapsedS: number): Record<string, unknown> {
  const burst = input.burst;
  const inBurst = burst !== undefined && elapsedS >= burst.atS && elapsedS < burst.atS + burst.forS;
  const failed = rng() < (inBurst ? burst.share : input.failedShare);
  const proc = procs[Math.floor(rng() * procs.length)]!;
  const runId = `run-load-${input.seed}-${String(seq++).padStart(7, '0')}`;
  return {
    pk: `${proc}#${runId}`,
    status: failed ? 'FAILED' : 'SUCCESS',
    event_ts: Date.now(),
    ...(failed ? { message: benchMessage(rng, proc) } : {}),
    run_id: runId,
    host: `ip-10-0-${1 + Math.floor(rng() * 4)}-${Math.floor(rng() * 250)}`,
    duration_ms: Math.floor(150 + rng() * 240_000),
    input_summary: `${Math.floor(rng() * 250_000)} rows from s3://acme-${proc}/in/`,
  };
}

async function write(items: Record<string, unknown>[]): Promise<void> {
  const started = nowMs();
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 10) throw new Error(`${requests.length} items stayed unprocessed`);
    if (attempt > 0) await sleep(20 * attempt);
    const out = await clients.doc.send(new BatchWriteCommand({ RequestItems: { [input.table]: requests } }));
    requests = (out.UnprocessedItems?.[input.table] ?? []) as typeof requests;
  }
  const ack = nowMs();
  batchMs.push(ack - started);
  for (const i of items) {
    if (i['status'] === 'FAILED') {
      acks.push([String(i['pk']), Number(i['event_ts']), ack]);
      failedWritten += 1;
    }
  }
}

const total = Math.round(input.ratePerS * input.durationS);
const inFlight = new Set<Promise<void>>();
let maxInFlight = 0;
let sent = 0;
let error: unknown;
const start = nowMs();
while (sent < total && error === undefined) {
  const elapsedS = (nowMs() - start) / 1000;
  const due = Math.min(total, Math.floor(elapsedS * input.ratePerS));
  while (sent < due && inFlight.size < MAX_IN_FLIGHT) {
    const n = Math.min(MAX_BATCH, due - sent);
    const batch = Array.from({ length: n }, () => item(elapsedS));
    sent += n;
    const p: Promise<void> = write(batch)
      .catch((e: unknown) => void (error = e))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    maxInFlight = Math.max(maxInFlight, inFlight.size);
  }
  await sleep(5);
}
await Promise.all(inFlight);
if (error !== undefined) throw error;
const out: WriterOutput = { written: sent, failedWritten, elapsedMs: nowMs() - start, acks, batchMs, maxInFlight };
await new Promise<void>((resolve) => process.send!(out, () => resolve()));
destroyClients(clients);
process.disconnect?.();

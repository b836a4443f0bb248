import type { ChildProcess } from 'node:child_process';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBStreamEvent, Context } from 'aws-lambda';
import type { Clients } from '../../shared/aws/clients.ts';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { createStreamConsumerHandler, type StreamConsumerDeps, type StreamHandler } from '../../functions/stream-consumer/handler.ts';
import { LOCAL_REGION } from '../../infra/local/local-env.ts';
import { createStreamPoller, type StreamPoller } from '../../infra/local/stream-poller.ts';
import { resolveOptions } from '../../infra/local/stream-options.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { createSequentialConsumer } from './baseline-consumer.ts';
import { runChild } from './children.ts';
import { benchDay } from './data.ts';
import type { WriterInput, WriterOutput } from './load-writer.ts';
import type { BenchStack } from './local.ts';
import { fitLine, mean, median, percentile } from './stats.ts';

export type ConsumerVariant = 'parallel' | 'sequential';

/**
 * The mapping the capture measurement runs with: the deployed settings, but
 * the window of `failure-digest start --batching-window 500`, which the
 * published results were measured with; the deployed 5 s window adds up to
 * its length to the lag on AWS, and the no-window run shows the other end.
 */
export const LOCAL_MAPPING = (() => {
  const o = resolveOptions({ streams: undefined as never, streamArn: 'arn', handler: async () => {}, onFailure: () => {} });
  return { batchSize: o.batchSize, maxBatchingWindowMs: 500, pollIntervalMs: o.pollIntervalMs };
})();

const nowMs = () => performance.timeOrigin + performance.now();
const entryId = (pk: string, ts: number) => `${pk}\u0000${ts}`;

/**
 * The summary store with a stopwatch: records when each entry's write
 * completed. Wraps what the consumer is given; the consumer is unchanged.
 */
class TimedStore extends SummaryStore {
  readonly done = new Map<string, number>();
  override async putEntry(...args: Parameters<SummaryStore['putEntry']>): ReturnType<SummaryStore['putEntry']> {
    const written = await super.putEntry(...args);
    this.done.set(entryId(args[0].pk, args[0].event_ts), nowMs());
    return written;
  }
  override async putEntries(...args: Parameters<SummaryStore['putEntries']>): Promise<void> {
    await super.putEntries(...args);
    const [entries] = args;
    const at = nowMs();
    for (const { entry } of entries) this.done.set(entryId(entry.pk, entry.event_ts), at);
  }
}

interface Invocation {
  readonly startMs: number;
  readonly ms: number;
  readonly records: number;
}

interface Harness {
  readonly store: TimedStore;
  readonly poller: StreamPoller;
  readonly invocations: Invocation[];
  readonly lost: { count: number };
}

async function harness(clients: Clients, config: DigestConfig, variant: ConsumerVariant, windowMs: number, log: (m: string) => void): Promise<Harness> {
  const { streamArn } = await ensureLocalTables(clients.dynamodb, config);
  const store = new TimedStore(clients.doc, config.summaryTable, config.retentionDays);
  await store.ensureCoverage(config.reportTz, 0);
  const deps: StreamConsumerDeps = {
    store,
    evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
    tz: config.reportTz,
    clock: Date.now,
    logger: new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }),
  };
  const consumer: StreamHandler = variant === 'parallel' ? createStreamConsumerHandler(deps) : createSequentialConsumer(deps);
  const invocations: Invocation[] = [];
  const lost = { count: 0 };
  const handler = async (event: DynamoDBStreamEvent, context: Context) => {
    const startMs = nowMs();
    const response = await consumer(event, context);
    invocations.push({ startMs, ms: nowMs() - startMs, records: event.Records.length });
    return response;
  };
  const poller = createStreamPoller({
    streams: clients.streams,
    streamArn,
    handler,
    maxBatchingWindowMs: windowMs,
    onFailure: (r) => void (lost.count += r.records.length),
    region: LOCAL_REGION,
    functionName: 'failure-digest-stream-consumer',
    log: (level, message, extra) => {
      if (level === 'warn' || level === 'error') log(`  stream: ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`);
    },
  });
  return { store, poller, invocations, lost };
}

export interface CaptureLoad {
  readonly rate_per_s: number;
  readonly duration_s: number;
  readonly failed_share: number;
  readonly burst: { readonly at_s: number; readonly for_s: number; readonly failed_share: number };
}

export interface CaptureRow {
  readonly consumer: ConsumerVariant;
  /** The local mapping's batching window of this run. */
  readonly batching_window_ms: number;
  /** Sustained consumer throughput: a backlog of FAILED records drained through the mapping and the consumer. */
  readonly records_per_s: number;
  /** From the writer's acknowledged write to the consumer's completed summary write. */
  readonly lag_p50_ms: number;
  readonly lag_p99_ms: number;
  readonly lag_max_ms: number;
  readonly writes_per_s: number;
  readonly written: number;
  readonly failed_written: number;
  readonly write_p99_ms: number;
  readonly captured: number;
  readonly lost: number;
  readonly invocations: number;
  readonly records_per_invocation: number;
  readonly handler_ms_p50: number;
  /** Handler time against batch size under the load, fitted as a line: the duration in the cost model. */
  readonly handler_ms_fixed: number;
  readonly handler_ms_per_record: number;
  readonly drain_records: number;
  readonly drain_s: number;
}

export interface CaptureContext {
  readonly withDynamoDb: BenchStack['withDynamoDb'];
  readonly config: (name: string) => DigestConfig;
  readonly writerFile: string;
  readonly track: (child: ChildProcess) => void;
  readonly log: (m: string) => void;
}

async function untilCaptured(h: Harness, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (h.store.done.size + h.lost.count < expected) {
    if (Date.now() > deadline) throw new Error(`captured ${h.store.done.size} of ${expected} records in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sustained write load: lag of each FAILED write through the stream, the mapping and the consumer. */
function loadPhase(ctx: CaptureContext, variant: ConsumerVariant, windowMs: number, load: CaptureLoad, seed: number) {
  return ctx.withDynamoDb(async ({ clients, endpoints }) => {
    const config = ctx.config(`cap-${variant}`);
    const h = await harness(clients, config, variant, windowMs, ctx.log);
    h.poller.start();
    try {
      const input: WriterInput = {
        endpoint: endpoints.dynamodb,
        table: config.executionTable,
        ratePerS: load.rate_per_s,
        durationS: load.duration_s,
        failedShare: load.failed_share,
        burst: { atS: load.burst.at_s, forS: load.burst.for_s, share: load.burst.failed_share },
        seed,
      };
      const { output } = await runChild<WriterOutput>(ctx.writerFile, 'BENCH_WRITER', input, ctx.track);
      await untilCaptured(h, output.failedWritten, 120_000);
      const lags: number[] = [];
      for (const [pk, ts, ack] of output.acks) {
        const done = h.store.done.get(entryId(pk, ts));
        if (done !== undefined) lags.push(done - ack);
      }
      return { output, lags, h };
    } finally {
      await h.poller.stop();
    }
  });
}

/** A backlog of FAILED records, then the consumer started: how many records a second it settles. */
function drainPhase(ctx: CaptureContext, variant: ConsumerVariant, windowMs: number, records: number) {
  return ctx.withDynamoDb(async ({ clients }) => {
    const config = ctx.config(`drain-${variant}`);
    const h = await harness(clients, config, variant, windowMs, ctx.log);
    try {
      const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const day = benchDay({ date, tz: config.reportTz, failures: records, failedShare: 1, successesWritten: 0, seed: records + 1 });
      await batchPutAll(clients.doc, config.executionTable, day.failed as unknown as Record<string, unknown>[], 8);
      h.poller.start();
      await untilCaptured(h, records, 10 * 60_000);
      const first = Math.min(...h.invocations.map((i) => i.startMs));
      const last = Math.max(...h.store.done.values());
      return { seconds: (last - first) / 1000, h };
    } finally {
      await h.poller.stop();
    }
  });
}

export async function measureCapture(
  ctx: CaptureContext,
  variant: ConsumerVariant,
  load: CaptureLoad,
  drainRecords: number,
  seed: number,
  windowMs: number = LOCAL_MAPPING.maxBatchingWindowMs,
): Promise<CaptureRow> {
  const { output, lags, h } = await loadPhase(ctx, variant, windowMs, load, seed);
  const drain = drainRecords > 0 ? await drainPhase(ctx, variant, windowMs, drainRecords) : { seconds: Number.NaN };
  const inv = h.invocations;
  const fit = fitLine(inv.map((i) => [i.records, i.ms] as const));
  return {
    consumer: variant,
    batching_window_ms: windowMs,
    records_per_s: drainRecords > 0 ? drainRecords / drain.seconds : Number.NaN,
    lag_p50_ms: percentile(lags, 50),
    lag_p99_ms: percentile(lags, 99),
    lag_max_ms: Math.max(...lags),
    writes_per_s: output.written / (output.elapsedMs / 1000),
    written: output.written,
    failed_written: output.failedWritten,
    write_p99_ms: percentile([...output.batchMs], 99),
    captured: lags.length,
    lost: output.failedWritten - lags.length,
    invocations: inv.length,
    records_per_invocation: mean(inv.map((i) => i.records)),
    handler_ms_p50: median(inv.map((i) => i.ms)),
    handler_ms_fixed: Math.max(0, fit.intercept),
    handler_ms_per_record: fit.slope,
    drain_records: drainRecords,
    drain_s: drain.seconds,
  };
}

import { resolveOptions } from '../../infra/local/stream-options.ts';
import type { ConsumerVariant } from './capture-harness.ts';
import { drainPhase, loadPhase, type CaptureContext, type CaptureLoad } from './capture-phases.ts';
import { fitLine, mean, median, percentile } from './stats.ts';

export type { ConsumerVariant } from './capture-harness.ts';
export type { CaptureContext, CaptureLoad } from './capture-phases.ts';

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

export async function measureCapture(
  ctx: CaptureContext,
  variant: ConsumerVariant,
  load: CaptureLoad,
  drainRecords: number,
  seed: number,
  windowMs: number = LOCAL_MAPPING.maxBatchingWindowMs,
): Promise<CaptureRow> {
  const { output, lags, h } = await loadPhase(ctx, { name: `cap-${variant}`, variant, windowMs, settleTimeoutMs: 120_000 }, load, seed);
  const drain =
    drainRecords > 0 ? await drainPhase(ctx, { name: `drain-${variant}`, variant, windowMs, settleTimeoutMs: 10 * 60_000 }, drainRecords) : { seconds: Number.NaN };
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

import { parseFaultPlan } from '../../infra/local/faults.ts';
import { faultPhaseRow, type FaultPhaseRow } from './capture-audit.ts';
import { LOCAL_MAPPING } from './capture.ts';
import { drainPhase, loadPhase, type CaptureContext, type CaptureLoad } from './capture-phases.ts';
import { num } from './format.ts';
import { percentile } from './stats.ts';
import { TARGETS } from './targets.ts';

/**
 * Capture under load with faults on, side by side with the same load without:
 * the current consumer on clients of its own with one SDK attempt per request,
 * so an injected summary-write fault is a failed write that the consumer
 * reports and the mapping's partial-batch retries must recover.
 */

/** The summary-write fault rates of the pair: the fault-free run keeps the injector at rate 0, so both pay for the same middleware and count their attempts. */
export const CAPTURE_FAULT_RATES = [0, TARGETS.summaryWriteFaults] as const;
/** Which attempts fail is drawn from this seed, the same in every phase. */
export const CAPTURE_FAULT_SEED = 7;

export interface CaptureFaultsPlan {
  readonly load: CaptureLoad;
  readonly drainRecords: number;
  /** The writer's seed: both runs write the same items. */
  readonly seed: number;
}

export interface CaptureFaultLoad extends FaultPhaseRow {
  readonly writes_per_s: number;
  readonly written: number;
  /** FAILED writes whose entry the consumer wrote while the benchmark watched: the lags below. */
  readonly captured: number;
  readonly lag_p50_ms: number;
  readonly lag_p99_ms: number;
  readonly lag_max_ms: number;
}

export interface CaptureFaultDrain extends FaultPhaseRow {
  readonly drain_s: number;
  readonly records_per_s: number;
}

export interface CaptureFaultRun {
  /** The consumer's faults as the flag spells them. */
  readonly faults: string;
  readonly summary_write_fault_rate: number;
  readonly load: CaptureFaultLoad;
  readonly drain: CaptureFaultDrain | null;
}

export interface CaptureFaultsResult {
  readonly settings: CaptureLoad & {
    readonly drain_records: number;
    readonly batching_window_ms: number;
    readonly consumer_max_attempts: 1;
    readonly fault_seed: number;
    readonly writer_seed: number;
  };
  readonly runs: readonly CaptureFaultRun[];
}

const SETTLE_TIMEOUT_MS = 20 * 60_000;

export async function measureCaptureFaults(ctx: CaptureContext, plan: CaptureFaultsPlan): Promise<CaptureFaultsResult> {
  const windowMs = LOCAL_MAPPING.maxBatchingWindowMs;
  const runs: CaptureFaultRun[] = [];
  for (const rate of CAPTURE_FAULT_RATES) {
    const flag = `summary-write=${rate}`;
    const faults = parseFaultPlan([flag], String(CAPTURE_FAULT_SEED))!;
    const options = (name: string) => ({ name, variant: 'parallel' as const, windowMs, faults, settleTimeoutMs: SETTLE_TIMEOUT_MS });
    const { load } = plan;
    ctx.log(
      `capture with ${flag} on the consumer (one attempt per write): ${load.rate_per_s} writes/s for ${load.duration_s} s, ` +
        `${num(load.failed_share * 100)}% FAILED${plan.drainRecords > 0 ? `, then a backlog of ${plan.drainRecords} FAILED records` : ''}…`,
    );
    const l = await loadPhase(ctx, options(`capf-${rate}`), load, plan.seed);
    const lags = l.lags;
    const loadRow: CaptureFaultLoad = {
      ...faultPhaseRow(l.audit, l.h.invocations, l.h.discarded.count, l.faults),
      writes_per_s: l.output.written / (l.output.elapsedMs / 1000),
      written: l.output.written,
      captured: lags.length,
      lag_p50_ms: percentile(lags, 50),
      lag_p99_ms: percentile(lags, 99),
      lag_max_ms: percentile(lags, 100),
    };
    let drainRow: CaptureFaultDrain | null = null;
    if (plan.drainRecords > 0) {
      const d = await drainPhase(ctx, options(`drainf-${rate}`), plan.drainRecords);
      drainRow = {
        ...faultPhaseRow(d.audit, d.h.invocations, d.h.discarded.count, d.faults),
        drain_s: d.seconds,
        records_per_s: plan.drainRecords / d.seconds,
      };
    }
    ctx.log(
      `  lag p50 ${num(loadRow.lag_p50_ms)} ms, p99 ${num(loadRow.lag_p99_ms)} ms at ${num(loadRow.writes_per_s)} writes/s` +
        `${drainRow ? `; drain ${num(drainRow.records_per_s)} records/s` : ''}; ` +
        `lost ${loadRow.lost + (drainRow?.lost ?? 0)}, doubled ${loadRow.doubled + (drainRow?.doubled ?? 0)}`,
    );
    runs.push({ faults: flag, summary_write_fault_rate: rate, load: loadRow, drain: drainRow });
  }
  return {
    settings: {
      ...plan.load,
      drain_records: plan.drainRecords,
      batching_window_ms: windowMs,
      consumer_max_attempts: 1,
      fault_seed: CAPTURE_FAULT_SEED,
      writer_seed: plan.seed,
    },
    runs,
  };
}

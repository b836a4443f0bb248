import type { FaultPhaseRow } from './capture-audit.ts';
import type { CaptureFaultRun, CaptureFaultsResult } from './capture-faults.ts';

/** A clean phase: every FAILED write in the summary once. */
export function phaseRow(over: Partial<FaultPhaseRow> = {}): FaultPhaseRow {
  return {
    failed_written: 1_500,
    in_summary: 1_500,
    summary_entries: 1_500,
    lost: 0,
    doubled: 0,
    invocations: 300,
    retried_invocations: 280,
    on_failure_records: 0,
    summary_write_attempts: 15_000,
    faults_injected: 3_000,
    fault_share: 0.2,
    ...over,
  };
}

export function faultRun(rate: number, load: Partial<FaultPhaseRow & { writes_per_s: number }> = {}, drain: Partial<FaultPhaseRow> | null = {}): CaptureFaultRun {
  return {
    faults: `summary-write=${rate}`,
    summary_write_fault_rate: rate,
    load: { ...phaseRow(load), writes_per_s: 998, written: 15_000, captured: 1_500, lag_p50_ms: 900, lag_p99_ms: 4_000, lag_max_ms: 5_000, ...load },
    drain: drain === null ? null : { ...phaseRow({ failed_written: 1_000, in_summary: 1_000, summary_entries: 1_000, ...drain }), drain_s: 50, records_per_s: 20 },
  };
}

export function faultsResult(runs: readonly CaptureFaultRun[]): CaptureFaultsResult {
  return {
    settings: { rate_per_s: 1_000, duration_s: 15, failed_share: 0.1, drain_records: 1_000, batching_window_ms: 500, consumer_max_attempts: 1, fault_seed: 7, writer_seed: 1 },
    runs,
  };
}

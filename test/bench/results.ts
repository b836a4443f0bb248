import type { BundleRow } from './bundles.ts';
import type { CaptureLoad, CaptureRow } from './capture.ts';
import type { CaptureFaultsResult } from './capture-faults.ts';
import type { CostEstimate } from './cost.ts';
import type { DigestReadRow, ScanFullDayRow } from './digest-read.ts';
import type { E2eCappedRow, E2eRow } from './e2e.ts';

/** One day as loaded, with what the table holds against what the day really had. */
export interface DayRow {
  readonly failures: number;
  readonly date: string;
  readonly tz: string;
  readonly failed_share: number;
  readonly real_runs: number;
  readonly real_successes: number;
  readonly successes_written: number;
  /** SUCCESS per FAILED: the day's real ratio and the one written to the table. */
  readonly success_per_failure_real: number;
  readonly success_per_failure_written: number;
  readonly burst_failures: number;
  readonly table_items: number;
  readonly table_bytes: number;
  readonly avg_failed_item_bytes: number;
  readonly avg_success_item_bytes: number;
  readonly avg_summary_entry_bytes: number;
  readonly summary_built_by: 'stream' | 'reprocess';
  readonly load_s: number;
}

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
  readonly detail: string;
}

export interface BenchResults {
  readonly generated_at: string;
  readonly mode: 'full' | 'quick';
  readonly machine: { readonly cpus: number; readonly cpu_model: string; readonly memory_gb: number; readonly node: string; readonly platform: string };
  readonly notes: readonly string[];
  readonly days: readonly DayRow[];
  readonly digest_read: readonly DigestReadRow[];
  readonly scan_full_day: readonly ScanFullDayRow[];
  readonly capture: CaptureRow;
  readonly capture_before: CaptureRow | null;
  /** The current consumer behind a mapping without a batching window: what the window costs in lag. */
  readonly capture_no_window: CaptureRow | null;
  readonly capture_settings: CaptureLoad & {
    readonly mapping: { readonly batchSize: number; readonly maxBatchingWindowMs: number; readonly pollIntervalMs: number };
    readonly drain_records: number;
  };
  /** The current consumer under a sustained load and a drain, without and with summary-write faults, side by side. */
  readonly capture_faults: CaptureFaultsResult | null;
  readonly e2e: readonly E2eRow[];
  readonly e2e_gsi: readonly E2eRow[];
  readonly e2e_baseline_rss_mb: number;
  /** The largest day's design digest again with the V8 heap capped. */
  readonly e2e_heap_capped: E2eCappedRow | null;
  readonly bundles: Readonly<Record<string, number>>;
  readonly bundle_details: readonly BundleRow[];
  readonly cost: {
    readonly prices: Readonly<Record<string, unknown>>;
    readonly assumptions: readonly string[];
    readonly estimates: readonly CostEstimate[];
  };
  readonly targets: readonly TargetRow[];
  readonly elapsed_s: number;
}

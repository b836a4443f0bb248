import type { CaptureRow } from './capture.ts';
import type { CaptureFaultsResult } from './capture-faults.ts';
import type { DigestReadRow } from './digest-read.ts';
import type { E2eCappedRow, E2eRow } from './e2e.ts';
import { int, num } from './format.ts';
import type { TargetRow } from './results.ts';

/** The targets, measured by the benchmark. */
export const TARGETS = {
  rcuRatio: 10,
  wallShare: 0.25,
  lagP99Ms: 1000,
  lagAtWritesPerS: 1000,
  /** The share of summary-write attempts the capture-under-faults run fails. */
  summaryWriteFaults: 0.2,
  digestMs: 10_000,
  digestMb: 256,
  atFailures: 100_000,
} as const;

export function evaluateTargets(
  reads: readonly DigestReadRow[],
  capture: CaptureRow,
  e2e: readonly E2eRow[],
  capped?: E2eCappedRow | null,
  faults?: CaptureFaultsResult | null,
): TargetRow[] {
  const at = TARGETS.atFailures;
  const row = (method: string) => reads.find((r) => r.failures === at && r.method === method);
  const summary = row('summary');
  const gsi = row('gsi');
  const out: TargetRow[] = [];
  const notMeasured = (target: string): TargetRow => ({ target, measured: 'not measured', met: null, detail: `no ${at.toLocaleString('en-US')}-failure day in this run (--quick)` });

  const rcuTarget = `summary read uses >= ${TARGETS.rcuRatio}x fewer read units than the GSI query at ${at.toLocaleString('en-US')} failures/day`;
  if (summary && gsi) {
    const r = gsi.rcu / summary.rcu;
    out.push({
      target: rcuTarget,
      measured: `${num(r)}x fewer (${num(summary.rcu)} vs ${num(gsi.rcu)} RCU)`,
      met: r >= TARGETS.rcuRatio,
      detail: r >= TARGETS.rcuRatio ? 'met' : `missed: ${num(TARGETS.rcuRatio / r)}x short of ${TARGETS.rcuRatio}x`,
    });
  } else out.push(notMeasured(rcuTarget));

  const wallTarget = `summary read wall time <= ${TARGETS.wallShare * 100}% of the GSI query's at ${at.toLocaleString('en-US')} failures/day`;
  if (summary && gsi) {
    const share = summary.wall_ms / gsi.wall_ms;
    out.push({
      target: wallTarget,
      measured: `${num(share * 100)}% (${num(summary.wall_ms)} vs ${num(gsi.wall_ms)} ms)`,
      met: share <= TARGETS.wallShare,
      detail: share <= TARGETS.wallShare ? 'met' : `missed: ${num(share / TARGETS.wallShare)}x the allowed share`,
    });
  } else out.push(notMeasured(wallTarget));

  const lagTarget = `capture lag p99 < ${TARGETS.lagP99Ms} ms at ${TARGETS.lagAtWritesPerS.toLocaleString('en-US')} writes/s`;
  const rateOk = capture.writes_per_s >= TARGETS.lagAtWritesPerS * 0.95;
  out.push({
    target: lagTarget,
    measured: `p99 ${num(capture.lag_p99_ms)} ms at ${num(capture.writes_per_s)} writes/s`,
    met: capture.lag_p99_ms < TARGETS.lagP99Ms && rateOk && capture.lost === 0,
    detail:
      capture.lost > 0
        ? `missed: ${capture.lost} FAILED writes were not captured`
        : !rateOk
          ? `not reached: the writer sustained only ${num(capture.writes_per_s)} writes/s`
          : capture.lag_p99_ms < TARGETS.lagP99Ms
            ? 'met with the local mapping settings (the deployed 5 s window adds up to 5 s on AWS)'
            : `missed by ${num(capture.lag_p99_ms - TARGETS.lagP99Ms)} ms`,
  });

  out.push(captureFaultsTarget(faults ?? null));

  const design = e2e.find((r) => r.failures === at && r.source === 'summary');
  const timeTarget = `${at.toLocaleString('en-US')}-failure digest within ${TARGETS.digestMs / 1000} s`;
  const memTarget = `${at.toLocaleString('en-US')}-failure digest within ${TARGETS.digestMb} MB`;
  if (design) {
    out.push({
      target: timeTarget,
      measured: `${num(design.wall_ms / 1000)} s (${num(design.process_ms / 1000)} s with process start)`,
      met: design.wall_ms <= TARGETS.digestMs,
      detail: design.wall_ms <= TARGETS.digestMs ? 'met' : `missed by ${num((design.wall_ms - TARGETS.digestMs) / 1000)} s`,
    });
    const cap = capped?.failures === at ? capped : undefined;
    const capNote = cap
      ? cap.completed
        ? `; with the heap capped at ${cap.heap_cap_mb} MB it peaks at ${num(cap.peak_rss_mb)} MB`
        : `; with the heap capped at ${cap.heap_cap_mb} MB it does not complete`
      : '';
    out.push({
      target: memTarget,
      measured: `${num(design.peak_rss_mb)} MB peak RSS${capNote}`,
      met: design.peak_rss_mb <= TARGETS.digestMb,
      detail: design.peak_rss_mb <= TARGETS.digestMb ? 'met' : `missed by ${num(design.peak_rss_mb - TARGETS.digestMb)} MB`,
    });
  } else {
    out.push(notMeasured(timeTarget), notMeasured(memTarget));
  }
  return out;
}

/**
 * Nothing lost and nothing doubled through the load and the drain of the run
 * with faults on. A run in which no write failed, or whose writer fell short
 * of the load, proves nothing, so it does not meet the target either.
 */
export function captureFaultsTarget(result: CaptureFaultsResult | null): TargetRow {
  const run = result?.runs.find((r) => r.summary_write_fault_rate > 0);
  const rate = run?.summary_write_fault_rate ?? TARGETS.summaryWriteFaults;
  // As the issue says it: 20%, not 20.0%.
  const target = `under ${Number((rate * 100).toFixed(1))}% summary-write faults: nothing lost, nothing doubled`;
  if (!result || !run) return { target, measured: 'not measured', met: null, detail: 'no capture run under faults' };
  const phases = run.drain ? [run.load, run.drain] : [run.load];
  const total = (pick: (p: (typeof phases)[number]) => number) => phases.reduce((s, p) => s + pick(p), 0);
  const lost = total((p) => p.lost);
  const doubled = total((p) => p.doubled);
  const injected = total((p) => p.faults_injected);
  const attempts = total((p) => p.summary_write_attempts);
  const onFailure = total((p) => p.on_failure_records);
  const asked = result.settings.rate_per_s;
  const rateOk = run.load.writes_per_s >= asked * 0.95;
  const share = attempts === 0 ? 0 : injected / attempts;
  return {
    target,
    measured:
      `${int(lost)} lost, ${int(doubled)} doubled of ${int(total((p) => p.failed_written))} FAILED writes at ${num(run.load.writes_per_s)} writes/s; ` +
      `${int(injected)} of ${int(attempts)} summary-write attempts failed (${num(share * 100)}%)`,
    met: lost === 0 && doubled === 0 && injected > 0 && rateOk,
    detail:
      lost > 0
        ? `missed: ${int(lost)} FAILED writes are not in the summary (${int(onFailure)} records reached the on-failure handler)`
        : doubled > 0
          ? `missed: ${int(doubled)} summary entries beyond one per FAILED write`
          : injected === 0
            ? 'not reached: no summary write failed'
            : !rateOk
              ? `not reached: the writer sustained only ${num(run.load.writes_per_s)} of ${int(asked)} writes/s`
              : 'met',
  };
}

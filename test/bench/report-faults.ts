import type { FaultPhaseRow } from './capture-audit.ts';
import type { CaptureFaultsResult } from './capture-faults.ts';
import { int, num, textTable } from './format.ts';

const share = (p: FaultPhaseRow) => (Number.isFinite(p.fault_share) ? `${num(p.fault_share * 100)}%` : '-');

/** The "Capture under faults" section: a title, one row per run and phase, and what the columns mean. */
export function renderCaptureFaults(r: CaptureFaultsResult): { title: string; lines: string[] } {
  const s = r.settings;
  const burst = s.burst ? `a ${s.burst.for_s} s burst at ${num(s.burst.failed_share * 100)}% FAILED from ${s.burst.at_s} s` : 'no burst';
  const title =
    `Capture under faults: ${int(s.rate_per_s)} writes/s for ${s.duration_s} s, ${num(s.failed_share * 100)}% FAILED, ${burst}, then a backlog of ` +
    `${int(s.drain_records)} FAILED records; the current consumer on clients of its own (${s.consumer_max_attempts} SDK attempt per write), ` +
    `fault seed ${s.fault_seed}, window ${int(s.batching_window_ms)} ms`;
  const rows: string[][] = [];
  for (const run of r.runs) {
    const counts = (p: FaultPhaseRow) => [
      int(p.summary_write_attempts),
      `${int(p.faults_injected)} (${share(p)})`,
      `${int(p.retried_invocations)} of ${int(p.invocations)}`,
      int(p.on_failure_records),
      int(p.lost),
      int(p.doubled),
    ];
    const l = run.load;
    rows.push([run.faults, 'load', num(l.writes_per_s), int(l.failed_written), int(l.captured), num(l.lag_p50_ms), num(l.lag_p99_ms), num(l.lag_max_ms), '', ...counts(l)]);
    const d = run.drain;
    if (d) rows.push([run.faults, 'drain', '', int(d.failed_written), int(d.in_summary), '', '', '', num(d.records_per_s), ...counts(d)]);
  }
  const lines = [
    textTable(
      ['consumer faults', 'phase', 'writes/s', 'FAILED', 'captured', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'drained records/s', 'write attempts', 'faults injected', 'retried invocations', 'on-failure records', 'lost', 'doubled'],
      rows,
      ['l', 'l'],
    ),
    '  Both runs carry the same fault middleware; at rate 0 it never fires. Write attempts: summary-table writes the consumer tried.',
    '  Retried invocations: batches holding a record an earlier invocation was handed (partial-batch retries from the lowest failed',
    '  record, and bisections). Lost: FAILED writes with no day entry, from a Scan of every DAY# entry once the mapping was idle;',
    '  doubled: day entries beyond one per FAILED write. The local mapping retries after 100 ms, doubling only while the first',
    '  record keeps failing (Lambda does not document its timing), so the rates under faults are this mapping\'s, not AWS\'s.',
  ];
  return { title, lines };
}

import type { FaultCount } from '../../infra/local/faults.ts';

/** Pure arithmetic of the capture checks; the phases gather the inputs. */

/** What the summary holds against what was written: the "lost nothing, doubled nothing" check. */
export interface CaptureAudit {
  /** Distinct FAILED writes. */
  readonly failed_written: number;
  /** Of those, the ones with a summary entry. */
  readonly in_summary: number;
  /** Every day entry the summary holds. */
  readonly summary_entries: number;
  /** FAILED writes with no summary entry. */
  readonly lost: number;
  /** Summary entries beyond one per FAILED write: a second entry for a write, or one for no write at all. */
  readonly doubled: number;
}

/**
 * Compares the FAILED writes with the summary's day entries, each named by
 * `entryId`. Entry keys are deterministic, so a redelivered record rewrites
 * its own item; a double would be a second key for the same write, which
 * only counting every entry, not just the matching ones, can see.
 */
export function auditCapture(written: Iterable<string>, summary: Iterable<string>): CaptureAudit {
  const failed = new Set(written);
  const present = new Set<string>();
  let entries = 0;
  for (const id of summary) {
    entries += 1;
    if (failed.has(id)) present.add(id);
  }
  return {
    failed_written: failed.size,
    in_summary: present.size,
    summary_entries: entries,
    lost: failed.size - present.size,
    doubled: entries - present.size,
  };
}

/** What one phase of a run under faults did, beside its audit. */
export interface FaultPhaseRow extends CaptureAudit {
  readonly invocations: number;
  /** Invocations holding a record an earlier one was handed: the mapping's retries and bisections. */
  readonly retried_invocations: number;
  /** Records the mapping gave up on and handed to the on-failure destination. */
  readonly on_failure_records: number;
  /** SDK attempts of summary writes the fault injector saw, and the ones it failed. */
  readonly summary_write_attempts: number;
  readonly faults_injected: number;
  readonly fault_share: number;
}

export function faultPhaseRow(
  audit: CaptureAudit,
  invocations: readonly { readonly retry: boolean }[],
  onFailureRecords: number,
  faults: readonly FaultCount[],
): FaultPhaseRow {
  const writes = faults.find((f) => f.kind === 'summary-write');
  const attempts = writes?.attempts ?? 0;
  const injected = writes?.injected ?? 0;
  return {
    ...audit,
    invocations: invocations.length,
    retried_invocations: invocations.filter((i) => i.retry).length,
    on_failure_records: onFailureRecords,
    summary_write_attempts: attempts,
    faults_injected: injected,
    fault_share: attempts === 0 ? Number.NaN : injected / attempts,
  };
}

import { describe, expect, it } from 'vitest';
import { auditCapture, faultPhaseRow } from './capture-audit.ts';

describe('the capture audit', () => {
  it('finds nothing lost and nothing doubled when every write has one entry', () => {
    expect(auditCapture(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual({ failed_written: 3, in_summary: 3, summary_entries: 3, lost: 0, doubled: 0 });
  });

  it('counts writes without an entry as lost', () => {
    expect(auditCapture(['a', 'b', 'c'], ['b'])).toMatchObject({ in_summary: 1, lost: 2, doubled: 0 });
  });

  it('counts a second entry for a write, and an entry for no write, as doubled', () => {
    expect(auditCapture(['a', 'b'], ['a', 'a', 'b', 'stray'])).toMatchObject({ summary_entries: 4, in_summary: 2, lost: 0, doubled: 2 });
  });

  it('counts a write once however often it is listed', () => {
    expect(auditCapture(['a', 'a', 'b'], ['a', 'b'])).toMatchObject({ failed_written: 2, lost: 0, doubled: 0 });
  });

  it('loses and doubles at once, independently', () => {
    expect(auditCapture(['a', 'b', 'c'], ['a', 'a'])).toMatchObject({ lost: 2, doubled: 1 });
  });

  it('holds nothing to find for an empty load', () => {
    expect(auditCapture([], [])).toEqual({ failed_written: 0, in_summary: 0, summary_entries: 0, lost: 0, doubled: 0 });
  });
});

describe('a phase row under faults', () => {
  const audit = auditCapture(['a', 'b'], ['a', 'b']);

  it('counts retried invocations, on-failure records and the share of attempts failed', () => {
    const row = faultPhaseRow(audit, [{ retry: false }, { retry: true }, { retry: true }], 3, [
      { kind: 'summary-write', rate: 0.2, attempts: 50, injected: 10 },
    ]);
    expect(row).toMatchObject({ invocations: 3, retried_invocations: 2, on_failure_records: 3, summary_write_attempts: 50, faults_injected: 10, fault_share: 0.2 });
    expect(row).toMatchObject(audit);
  });

  it('reads only the summary-write kind of the plan', () => {
    const row = faultPhaseRow(audit, [], 0, [
      { kind: 'gsi-read', rate: 1, attempts: 9, injected: 9 },
      { kind: 'summary-write', rate: 0, attempts: 4, injected: 0 },
    ]);
    expect(row).toMatchObject({ summary_write_attempts: 4, faults_injected: 0, fault_share: 0 });
  });

  it('has no share without attempts', () => {
    expect(faultPhaseRow(audit, [], 0, []).fault_share).toBeNaN();
  });
});

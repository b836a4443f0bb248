import { describe, expect, it } from 'vitest';
import { faultRun, faultsResult } from './fixtures.ts';
import { captureFaultsTarget } from './targets.ts';

const clean = (rate = 0.2) => faultsResult([faultRun(0, { summary_write_attempts: 2_500, faults_injected: 0, fault_share: 0 }), faultRun(rate)]);

describe('the capture-under-faults target', () => {
  it('is met when the faulted run loses and doubles nothing', () => {
    const t = captureFaultsTarget(clean());
    expect(t).toMatchObject({ target: 'under 20% summary-write faults: nothing lost, nothing doubled', met: true, detail: 'met' });
    expect(t.measured).toBe('0 lost, 0 doubled of 2,500 FAILED writes at 998 writes/s; 6,000 of 30,000 summary-write attempts failed (20.0%)');
  });

  it('names the rate the run used', () => {
    expect(captureFaultsTarget(clean(0.05)).target).toBe('under 5% summary-write faults: nothing lost, nothing doubled');
  });

  it('adds the load and the drain: a loss in either misses', () => {
    const lostInDrain = faultsResult([faultRun(0.2, {}, { lost: 2, in_summary: 998, on_failure_records: 2 })]);
    expect(captureFaultsTarget(lostInDrain)).toMatchObject({ met: false, detail: 'missed: 2 FAILED writes are not in the summary (2 records reached the on-failure handler)' });
    const doubledInLoad = faultsResult([faultRun(0.2, { doubled: 1, summary_entries: 1_501 })]);
    expect(captureFaultsTarget(doubledInLoad)).toMatchObject({ met: false, detail: 'missed: 1 summary entries beyond one per FAILED write' });
  });

  it('judges only the run with faults, not the fault-free one beside it', () => {
    const r = faultsResult([faultRun(0, { lost: 5 }), faultRun(0.2)]);
    expect(captureFaultsTarget(r).met).toBe(true);
  });

  it('is not reached when no write failed or the writer fell short of the load', () => {
    const none = faultsResult([faultRun(0.2, { faults_injected: 0 }, { faults_injected: 0 })]);
    expect(captureFaultsTarget(none)).toMatchObject({ met: false, detail: 'not reached: no summary write failed' });
    const slow = faultsResult([faultRun(0.2, { writes_per_s: 600 })]);
    expect(captureFaultsTarget(slow)).toMatchObject({ met: false, detail: 'not reached: the writer sustained only 600 of 1,000 writes/s' });
  });

  it('counts a run without a drain on its load alone', () => {
    expect(captureFaultsTarget(faultsResult([faultRun(0.2, {}, null)])).measured).toMatch(/^0 lost, 0 doubled of 1,500 FAILED writes/);
  });

  it('says not measured without a run under faults', () => {
    expect(captureFaultsTarget(null)).toMatchObject({ measured: 'not measured', met: null });
    expect(captureFaultsTarget(faultsResult([faultRun(0)]))).toMatchObject({ met: null });
  });
});

import { describe, expect, it } from 'vitest';
import { faultRun, faultsResult } from './fixtures.ts';
import { renderCaptureFaults } from './report-faults.ts';

describe('the capture-under-faults report', () => {
  const { title, lines } = renderCaptureFaults(faultsResult([faultRun(0, { faults_injected: 0, fault_share: 0 }), faultRun(0.2)]));
  const table = lines[0]!.split('\n');

  it('states the load, the absence of a burst, the backlog and the consumer\'s attempts', () => {
    expect(title).toContain('1,000 writes/s for 15 s, 10.0% FAILED, no burst, then a backlog of 1,000 FAILED records');
    expect(title).toContain('1 SDK attempt per write');
  });

  it('shows a load and a drain row per run, with the faults injected and their share', () => {
    expect(table).toHaveLength(2 + 4);
    expect(table[2]).toMatch(/^\s+summary-write=0\s+load\s+998\s/);
    expect(table[3]).toMatch(/^\s+summary-write=0\s+drain\s/);
    expect(table[5]).toContain('3,000 (20.0%)');
    expect(table[5]).toContain('280 of 300');
    expect(table[5]).toMatch(/\s20.0\s/);
  });
});

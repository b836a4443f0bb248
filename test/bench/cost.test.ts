import { describe, expect, it } from 'vitest';
import { consumerInvocationsPerDay, DAYS_PER_MONTH, monthlyCost, US_EAST_1_PRICES, type CostInputs } from './cost.ts';

const INPUTS: CostInputs = {
  executionsPerDay: 1_000_000,
  failureShare: 0.01,
  wruPerSuccess: 1,
  wruPerFailure: 2,
  gsiWruPerSuccess: 1,
  gsiWruPerFailure: 2,
  summaryWruPerEntry: 1,
  summaryEntryBytes: 600,
  summaryRetentionDays: 90,
  summaryRruPerFailure: 0.08,
  gsiRruPerFailure: 0.2,
  consumerMsFixed: 40,
  consumerMsPerRecord: 10,
  consumerMemoryMb: 256,
  batchingWindowS: 5,
  batchSize: 100,
  digestMsSummary: 1_000,
  digestMsGsi: 3_000,
  digestMemoryMb: 512,
};

const line = (est: ReturnType<typeof monthlyCost>, prefix: string) => est.lines.find((l) => l.item.startsWith(prefix))!;

describe('the cost model', () => {
  it('batches a sparse stream one record or a few per invocation, and a dense one by the batch size', () => {
    expect(consumerInvocationsPerDay(0, 5, 100)).toBe(0);
    // 86,400 failures a day: one a second, so a 5 s window gathers 6 per batch.
    expect(consumerInvocationsPerDay(86_400, 5, 100)).toBeCloseTo(14_400, 6);
    // Far more than the batch size arrive within a window: full batches.
    expect(consumerInvocationsPerDay(86_400_000, 5, 100)).toBe(864_000);
  });

  it('prices the writes both designs share identically', () => {
    const est = monthlyCost(INPUTS);
    // 990,000 SUCCESS x 1 + 10,000 FAILED x 2 WRU a day, 30 days, $0.625 per million.
    const expected = ((990_000 + 20_000) * DAYS_PER_MONTH * 0.625) / 1e6;
    expect(line(est, 'execution-log writes').design).toBeCloseTo(expected, 9);
    expect(line(est, 'execution-log writes').gsiOnly).toBeCloseTo(expected, 9);
    expect(line(est, 'status/event_ts GSI').design).toBeCloseTo(expected, 9);
  });

  it('charges only this design for the consumer, the summary writes and its storage', () => {
    const est = monthlyCost(INPUTS);
    for (const prefix of ['stream consumer Lambda requests', 'stream consumer Lambda duration', 'summary writes', 'summary storage']) {
      expect(line(est, prefix).gsiOnly).toBe(0);
      expect(line(est, prefix).design).toBeGreaterThan(0);
    }
    expect(line(est, 'summary writes').design).toBeCloseTo((10_000 * 30 * 0.625) / 1e6, 12);
    // 10,000 failures a day gather 1 + 10,000 / 86,400 * 5 records per batch; each takes 40 ms plus 10 ms a record.
    const perBatch = 1 + (10_000 / 86_400) * 5;
    const invocations = (10_000 / perBatch) * 30;
    const billedS = Math.ceil(40 + 10 * perBatch) / 1000;
    expect(line(est, 'stream consumer Lambda duration').design).toBeCloseTo(invocations * billedS * 0.25 * US_EAST_1_PRICES.lambdaPerGbSecond, 12);
    expect(line(est, 'stream consumer Lambda requests').design).toBeCloseTo((invocations / 1e6) * 0.2, 12);
    // 90 days of 10,000 entries of 700 bytes (600 + 100 overhead).
    expect(line(est, 'summary storage').design).toBeCloseTo(((10_000 * 90 * 700) / 1024 ** 3) * 0.25, 12);
  });

  it('reads the day from the summary in this design and from the GSI in the other', () => {
    const est = monthlyCost(INPUTS);
    expect(line(est, 'daily digest read').design).toBeCloseTo((10_000 * 0.08 * 30 * 0.125) / 1e6, 12);
    expect(line(est, 'daily digest read').gsiOnly).toBeCloseTo((10_000 * 0.2 * 30 * 0.125) / 1e6, 12);
  });

  it('adds the lines up and reports the difference', () => {
    const est = monthlyCost(INPUTS);
    expect(est.failuresPerDay).toBe(10_000);
    expect(est.design).toBeCloseTo(est.lines.reduce((t, l) => t + l.design, 0), 12);
    expect(est.difference).toBeCloseTo(est.design - est.gsiOnly, 12);
  });
});

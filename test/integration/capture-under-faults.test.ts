import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { buildDigest } from '../../shared/digest/run-digest.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { addDays, dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { injectFaults, parseFaultPlan, type FaultInjector } from '../../infra/local/faults.ts';
import { dropTables, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';

const TZ = 'America/New_York';
const WRITES = 3_000;
const FAILED_EVERY = 10; // 10% FAILED

describe('capture under summary-write faults', () => {
  const DAY = addDays(reportDayOf(Date.now(), TZ), -2);
  let clients: Clients;
  let functionClients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let faults: FaultInjector;
  const expected = new Set<string>();

  beforeAll(async () => {
    clients = testClients();
    // One attempt per write, so 20% of the consumer's writes fail outright and the mapping must retry them.
    functionClients = testClients({ maxAttempts: 1 });
    config = testConfig({ REPORT_TZ: TZ });
    faults = injectFaults(functionClients, parseFaultPlan(['summary-write=0.2'], '9')!, config);
    pipeline = await startTestPipeline(clients, config, { functionClients });
    const { start_ms } = dayWindow(DAY, TZ);
    const items = Array.from({ length: WRITES }, (_, i) => {
      const failed = i % FAILED_EVERY === 0;
      const item = { pk: `job-${i % 37}#run-${i}`, status: failed ? 'FAILED' : 'SUCCESS', event_ts: start_ms + i * 20_000, message: `run ${i}` };
      if (failed) expected.add(`${item.pk}@${item.event_ts}`);
      return item;
    });
    await batchPutAll(clients.doc, config.executionTable, items, 8);
    await pipeline.settle(120_000);
  }, 180_000);

  afterAll(async () => {
    await pipeline?.stop();
    faults?.remove();
    await dropTables(clients, config);
    destroyClients(clients);
    destroyClients(functionClients);
  });

  it('failed a fifth of the summary writes', () => {
    const [writes] = faults.counts();
    expect(writes!.attempts).toBeGreaterThan(WRITES / FAILED_EVERY);
    expect(writes!.injected / writes!.attempts).toBeGreaterThan(0.15);
    expect(writes!.injected / writes!.attempts).toBeLessThan(0.25);
  });

  it('holds every FAILED item exactly once, and nothing else', async () => {
    const entries = await pipeline.store.readDay(TZ, DAY);
    const keys = entries.map((e) => `${e.pk}@${e.event_ts}`);
    expect(keys.length).toBe(expected.size);
    expect(new Set(keys)).toEqual(expected);
    expect(pipeline.poller.stats.recordsFailed).toBe(0);
  });

  it('is shown complete and reports each failure once', async () => {
    const report = await buildDigest({ ...digestDeps(clients, config, { drops: INLINE_DROPS }), captureWaitMs: 0 }, DAY, TZ);
    expect(report.completeness.complete).toBe(true);
    expect(report.source).toBe('summary');
    expect(report.count).toBe(expected.size);
  });
});

import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { addDays, dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { injectFaults, parseFaultPlan, type FaultInjector } from '../../infra/local/faults.ts';
import { dropTables, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';

// A day before today, so every event_ts is plausible whatever the date.
const DAY = addDays(reportDayOf(Date.now(), 'UTC'), -1);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The local pipeline with `faults` in the clients of its functions only, as `failure-digest start` runs it. */
async function pipelineWith(faults: string[], seed: number): Promise<{ clients: Clients; config: DigestConfig; pipeline: TestPipeline; injector: FaultInjector }> {
  const clients = testClients();
  const functionClients = testClients();
  const config = testConfig({ REPORT_TZ: 'UTC' });
  cleanups.push(() => destroyClients(clients), () => destroyClients(functionClients), () => dropTables(clients, config));
  const injector = injectFaults(functionClients, parseFaultPlan(faults, String(seed))!, config);
  const pipeline = await startTestPipeline(clients, config, { functionClients });
  cleanups.push(() => pipeline.stop());
  return { clients, config, pipeline, injector };
}

describe('faults in the local pipeline', () => {
  it("throttle the consumer's summary writes, not the stack's own set-up", async () => {
    const { pipeline, injector } = await pipelineWith(['summary-write=1'], 1);
    // Set-up recorded coverage in the summary table: a write the fault would have failed.
    expect(await pipeline.store.getCoverage('UTC')).toBe(0);
    expect(injector.counts()[0]).toMatchObject({ attempts: 0 });
  });

  it('the consumer and the SDK retry the injected throttles until every failure is captured, each once', async () => {
    const { clients, config, pipeline, injector } = await pipelineWith(['summary-write=0.3'], 5);
    const start = dayWindow(DAY, 'UTC').start_ms;
    const items = Array.from({ length: 20 }, (_, i) => ({ pk: `etl#run-${i}`, status: 'FAILED', event_ts: start + i, message: 'boom' }));
    await batchPutAll(clients.doc, config.executionTable, items);
    await pipeline.poller.waitForIdle(60_000);
    const captured = await pipeline.store.readDay('UTC', DAY);
    expect(captured.map((e) => e.pk).sort()).toEqual(items.map((i) => i.pk).sort());
    expect(injector.counts()[0]!.injected).toBeGreaterThan(0);
    expect(existsSync(pipeline.onFailureFile)).toBe(false);
  }, 70_000);
});

import { PutItemCommand, ProvisionedThroughputExceededException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { buildDigest, type DigestDeps } from '../../shared/digest/run-digest.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { WATERMARK } from '../../shared/summary/model/capture-evidence.ts';
import { addDays, dayWindow, reportDayOf } from '../../shared/time/report-day.ts';
import { dropTables, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';

const TZ = 'Europe/Paris';

/** Fails the consumer's watermark writes while `blocked` is set: capture of heartbeats stalls, nothing else does. */
function blockWatermarks(dynamodb: DynamoDBClient, table: string): { blocked: boolean; refused: number } {
  const state = { blocked: false, refused: 0 };
  dynamodb.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TableName?: string; Item?: Record<string, unknown> };
      const pk = input.Item?.['pk'];
      const pkText = typeof pk === 'string' ? pk : (pk as { S?: string } | undefined)?.S;
      if (state.blocked && input.TableName === table && pkText === WATERMARK.prefix) {
        state.refused += 1;
        throw new ProvisionedThroughputExceededException({ message: 'injected throttle', $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'blockWatermarks' },
  );
  return state;
}

describe('a day is shown complete only with evidence', () => {
  const today = reportDayOf(Date.now(), TZ);
  const FAILED_DAY = addDays(today, -2);
  const QUIET_DAY = addDays(today, -3);
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let deps: DigestDeps;
  let watermarks: { blocked: boolean; refused: number };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    watermarks = blockWatermarks(clients.dynamodb, config.summaryTable);
    pipeline = await startTestPipeline(clients, config);
    deps = { ...digestDeps(clients, config, { drops: INLINE_DROPS }), captureWaitMs: 0, capturePollMs: 200 };
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: config.executionTable,
        Item: {
          pk: { S: 'nightly-export#run-1' },
          status: { S: 'FAILED' },
          event_ts: { N: String(dayWindow(FAILED_DAY, TZ).start_ms + 3_600_000) },
          message: { S: 'disk full' },
        },
      }),
    );
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
    destroyClients(clients);
  });

  it('is not complete before a heartbeat round shows capture got past the day, and reads the index saying why', async () => {
    await pipeline.poller.waitForIdle(30_000);
    const report = await buildDigest(deps, FAILED_DAY, TZ);
    expect(report.completeness.complete).toBe(false);
    expect(report.source).toBe('gsi');
    expect(report.sourceNote).toMatch(/^Not shown complete: no heartbeat round has been written since the day ended/);
    expect(report.count).toBe(1);
  });

  it('is complete, from the summary, once a round reached every shard and was captured, quiet days too', async () => {
    const round = await pipeline.heartbeat();
    expect(round.uncovered).toEqual([]);
    expect(round.shards.length).toBeGreaterThan(0);
    await pipeline.poller.waitForIdle(30_000);
    for (const [date, count] of [[FAILED_DAY, 1], [QUIET_DAY, 0]] as const) {
      const report = await buildDigest(deps, date, TZ);
      expect(report.completeness).toMatchObject({ complete: true, evidence: { kind: 'capture', capturedThroughMs: round.writtenMs } });
      expect(report.source).toBe('summary');
      expect(report.count).toBe(count);
    }
  });

  it('is not complete for a day that has not ended', async () => {
    const report = await buildDigest(deps, today, TZ);
    expect(report.completeness.complete).toBe(false);
    expect(report.source).toBe('gsi');
  });

  it('does not take a round the consumer could not process, and says how far capture got', async () => {
    const captured = await pipeline.heartbeat();
    await pipeline.poller.waitForIdle(30_000);
    watermarks.blocked = true;
    const stalled = await pipeline.heartbeat();
    // Wait until the consumer has tried the heartbeat's watermark write and been refused; it now retries it.
    await vi.waitFor(() => expect(watermarks.refused).toBeGreaterThan(0), { timeout: 30_000, interval: 100 });
    const report = await buildDigest({ ...deps, clock: () => stalled.writtenMs + 1 }, FAILED_DAY, TZ);
    expect(report.completeness).toMatchObject({ complete: true, evidence: { capturedThroughMs: captured.writtenMs } });
    const viewAfterStall = await buildDigest(deps, today, TZ);
    expect(viewAfterStall.completeness.complete).toBe(false);
  });
});

describe('a digest for a day that just ended', () => {
  const today = reportDayOf(Date.now(), TZ);
  const YESTERDAY = addDays(today, -1);
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let watermarks: { blocked: boolean; refused: number };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    watermarks = blockWatermarks(clients.dynamodb, config.summaryTable);
    // Retries slow enough that a heartbeat outlasts the stall instead of being given up.
    pipeline = await startTestPipeline(clients, config, { timing: { retryBackoffMs: () => 400 } });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
    destroyClients(clients);
  });

  it('waits a bounded time for capture to catch up, then reads the summary', async () => {
    watermarks.blocked = true;
    const round = await pipeline.heartbeat();
    setTimeout(() => (watermarks.blocked = false), 1_500);
    const deps = { ...digestDeps(clients, config, { drops: INLINE_DROPS }), captureWaitMs: 60_000, capturePollMs: 200 };
    const started = Date.now();
    const report = await buildDigest(deps, YESTERDAY, TZ);
    expect(watermarks.refused).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(report.completeness).toMatchObject({ complete: true, evidence: { capturedThroughMs: round.writtenMs } });
    expect(report.source).toBe('summary');
  }, 90_000);

  it('gives up waiting after its bound and reads the index', async () => {
    watermarks.blocked = true;
    await pipeline.heartbeat();
    const deps = { ...digestDeps(clients, config, { drops: INLINE_DROPS }), captureWaitMs: 600, capturePollMs: 200 };
    try {
      const report = await buildDigest(deps, YESTERDAY, TZ);
      // The earlier round was captured, so yesterday is still shown complete by it; today's not.
      expect(report.completeness.complete).toBe(true);
      const started = Date.now();
      const todays = await buildDigest(deps, today, TZ);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(todays.completeness.complete).toBe(false);
      expect(todays.source).toBe('gsi');
    } finally {
      watermarks.blocked = false;
    }
  }, 90_000);
});

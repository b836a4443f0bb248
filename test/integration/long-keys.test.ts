import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { buildDigest } from '../../shared/digest/run-digest.ts';
import { rebuildDay } from '../../shared/reprocess/reprocess.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { dropTables, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';
import { failedWriteRecord } from '../support/stream-record.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';

const TZ = 'Asia/Tokyo';
const DATE = '2026-11-17';
const W = dayWindow(DATE, TZ);
// 2,000 bytes: far over what fits beside a timestamp in a 1,024-byte sort key, within the source table's 2,048.
const LONG_PK = `nightly-export#${'x'.repeat(1_985)}`;
// 2,048 bytes in 1,033 characters: short in characters, long in bytes.
const WIDE_PK = `wide#${'é'.repeat(1_014)}${'y'.repeat(15)}`;

describe('pks too long for a summary sort key, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    pipeline = await startTestPipeline(clients, config);
    for (const [i, pk] of [LONG_PK, WIDE_PK].entries()) {
      await clients.dynamodb.send(
        new PutItemCommand({
          TableName: config.executionTable,
          Item: { pk: { S: pk }, status: { S: 'FAILED' }, event_ts: { N: String(W.start_ms + i * 60_000) }, message: { S: 'key too long?' } },
        }),
      );
    }
    await pipeline.poller.waitForIdle(30_000);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await dropTables(clients, config);
  });

  it('captures each once, with its pk read back whole, and nothing is given up', async () => {
    expect([Buffer.byteLength(LONG_PK), Buffer.byteLength(WIDE_PK)]).toEqual([2_000, 2_048]);
    expect(pipeline.poller.stats.recordsFailed).toBe(0);
    const day = await pipeline.store.readDay(TZ, DATE);
    expect(day.map((e) => e.pk)).toEqual(expect.arrayContaining([LONG_PK, WIDE_PK]));
    expect(day).toHaveLength(2);
    expect(day.find((e) => e.pk === LONG_PK)?.process).toBe('nightly-export');
  });

  it('rewrites the same item when the record is delivered again or the day is rebuilt', async () => {
    const again = failedWriteRecord({ pk: LONG_PK, ts: W.start_ms, sequence: '1'.repeat(30), message: 'key too long?' });
    expect(await pipeline.consumer({ Records: [again] }, { awsRequestId: 'r' } as never)).toEqual({ batchItemFailures: [] });
    await rebuildDay(digestDeps(clients, config), DATE, TZ);
    const day = await pipeline.store.readDay(TZ, DATE);
    expect(day.map((e) => e.pk).sort()).toEqual([LONG_PK, WIDE_PK].sort());

    // A heartbeat round captured after the day ended is the evidence that capture got past it.
    await pipeline.settle();
    const report = await buildDigest(digestDeps(clients, config, { drops: INLINE_DROPS }), DATE, TZ);
    expect(report.source).toBe('summary');
    expect(report.count).toBe(2);
    expect(report.groups.map((g) => g.latest_pk).sort()).toEqual([LONG_PK, WIDE_PK].sort());
  });
});

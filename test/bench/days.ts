import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clients } from '../../shared/aws/clients.ts';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { rebuildDay } from '../../shared/reprocess/reprocess.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { startPipeline } from '../../infra/local/stack.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import type { ExecutionItem } from '../../infra/local/demo-data.ts';
import { itemBytes, writeUnits } from './capacity.ts';
import { LOCAL_MAPPING } from './capture.ts';
import { benchDay, byTime } from './data.ts';
import { mean } from './stats.ts';

export type SummaryBuiltBy = 'stream' | 'reprocess';

export interface LoadedDay {
  readonly failures: number;
  readonly date: string;
  readonly tz: string;
  readonly config: DigestConfig;
  readonly failedShare: number;
  readonly realRuns: number;
  readonly realSuccesses: number;
  readonly successesWritten: number;
  readonly burstFailures: number;
  /** What the execution-log table holds: this day's FAILED items and the SUCCESS items written. */
  readonly tableItems: number;
  readonly tableBytes: number;
  readonly avgFailedBytes: number;
  readonly avgSuccessBytes: number;
  readonly wruPerFailed: number;
  readonly wruPerSuccess: number;
  readonly summaryBuiltBy: SummaryBuiltBy;
  /** From the first write until the summary held every failure. */
  readonly loadMs: number;
}

export interface LoadDayOptions {
  readonly clients: Clients;
  readonly config: DigestConfig;
  readonly date: string;
  readonly failures: number;
  readonly failedShare: number;
  readonly successesWritten: number;
  readonly builtBy: SummaryBuiltBy;
  readonly log: (m: string) => void;
}

function sizes(items: readonly ExecutionItem[]): number[] {
  return items.map((i) => itemBytes(marshall(i, { removeUndefinedValues: true })));
}

/**
 * Writes one report day into its own execution-log table and builds its
 * summary partition: through the local event source mapping and the real
 * stream consumer, or with the reprocess path (same keys) for large days.
 */
export async function loadDay(o: LoadDayOptions): Promise<LoadedDay> {
  const { clients, config } = o;
  const day = benchDay({
    date: o.date,
    tz: config.reportTz,
    failures: o.failures,
    failedShare: o.failedShare,
    successesWritten: o.successesWritten,
  });
  const items = byTime(day.failed, day.successes);
  const failedSizes = sizes(day.failed);
  const successSizes = sizes(day.successes);
  const tableBytes = failedSizes.reduce((s, b) => s + b, 0) + successSizes.reduce((s, b) => s + b, 0);
  const started = performance.now();

  if (o.builtBy === 'stream') {
    // The local stack's own wiring: tables, coverage "from the start", poller with the deployed mapping, consumer.
    const pipeline = await startPipeline({
      config,
      clients,
      mapping: { maxBatchingWindowMs: LOCAL_MAPPING.maxBatchingWindowMs },
      onFailureFile: join(tmpdir(), `failure-digest-bench-${config.summaryTable}.jsonl`),
      schedule: false,
      log: o.log,
      functionLogLevel: 'SILENT',
    });
    try {
      await batchPutAll(clients.doc, config.executionTable, items as unknown as Record<string, unknown>[], 8);
      await pipeline.poller.waitForIdle(15 * 60_000);
      // A heartbeat round captured after the day ended: the evidence the digest needs to read the summary.
      await pipeline.heartbeat();
      await pipeline.poller.waitForIdle(15 * 60_000);
      if (pipeline.poller.stats.recordsFailed > 0) throw new Error(`${pipeline.poller.stats.recordsFailed} records went to the on-failure destination`);
    } finally {
      await pipeline.stop();
    }
  } else {
    await ensureLocalTables(clients.dynamodb, config);
    await batchPutAll(clients.doc, config.executionTable, items as unknown as Record<string, unknown>[], 8);
    const deps = digestDeps(clients, config);
    await rebuildDay({ ...deps, clock: Date.now }, o.date, config.reportTz);
  }
  const loadMs = performance.now() - started;

  const store = new SummaryStore(clients.doc, config.summaryTable, config.retentionDays);
  const captured = await store.readDay(config.reportTz, o.date);
  if (captured.length !== o.failures) {
    throw new Error(`the summary of ${o.date} holds ${captured.length} entries, expected ${o.failures}`);
  }
  return {
    failures: o.failures,
    date: o.date,
    tz: config.reportTz,
    config,
    failedShare: o.failedShare,
    realRuns: day.realRuns,
    realSuccesses: day.realSuccesses,
    successesWritten: day.successes.length,
    burstFailures: day.burstFailures,
    tableItems: items.length,
    tableBytes,
    avgFailedBytes: mean(failedSizes),
    avgSuccessBytes: day.successes.length > 0 ? mean(successSizes) : Number.NaN,
    wruPerFailed: mean(failedSizes.map(writeUnits)),
    wruPerSuccess: day.successes.length > 0 ? mean(successSizes.map(writeUnits)) : Number.NaN,
    summaryBuiltBy: o.builtBy,
    loadMs,
  };
}

import type { ChildProcess } from 'node:child_process';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { createClients, destroyClients } from '../../shared/aws/clients.ts';
import { expr, namesOf } from '../../shared/aws/expression.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { DAY_ENTRY } from '../../shared/summary/model/day-entry.ts';
import { SUMMARY_TABLE, type SummaryItem } from '../../shared/summary/model/table.ts';
import { injectFaults, type FaultCount, type FaultPlan } from '../../infra/local/faults.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { auditCapture, type CaptureAudit } from './capture-audit.ts';
import { entryId, harness, nowMs, type ConsumerVariant, type Harness } from './capture-harness.ts';
import { runChild } from './children.ts';
import { benchDay } from './data.ts';
import type { WriterInput, WriterOutput } from './load-writer.ts';
import type { BenchDynamo, BenchStack } from './local.ts';

export interface CaptureLoad {
  readonly rate_per_s: number;
  readonly duration_s: number;
  readonly failed_share: number;
  /** A stretch at a higher FAILED share; none when absent. */
  readonly burst?: { readonly at_s: number; readonly for_s: number; readonly failed_share: number };
}

export interface CaptureContext {
  readonly withDynamoDb: BenchStack['withDynamoDb'];
  readonly config: (name: string) => DigestConfig;
  readonly writerFile: string;
  readonly track: (child: ChildProcess) => void;
  readonly log: (m: string) => void;
}

export interface PhaseOptions {
  /** Names the phase's tables. */
  readonly name: string;
  readonly variant: ConsumerVariant;
  readonly windowMs: number;
  /**
   * Faults in the consumer's own clients, which then make one SDK attempt per
   * request: a failed attempt is a failed write, which the consumer reports
   * and the mapping retries. Without, the consumer shares the phase's clients.
   */
  readonly faults?: FaultPlan;
  /** How long the mapping may take to settle every record once the writes are in. */
  readonly settleTimeoutMs: number;
}

export interface PhaseResult {
  readonly h: Harness;
  readonly audit: CaptureAudit;
  /** Per kind of the fault plan; empty without one. */
  readonly faults: readonly FaultCount[];
}

interface PhaseRun {
  readonly d: BenchDynamo;
  readonly config: DigestConfig;
  readonly h: Harness;
}

/** Every day entry of the summary table, whatever its day, zone or shard, as the `entryId` of its write. */
export async function scanDayEntryIds(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const a = DAY_ENTRY.attributes;
  const filter = expr`begins_with(${SUMMARY_TABLE.partitionKey}, :day)`;
  const projection = expr`${a.pk}, ${a.eventTs}`;
  const ids: string[] = [];
  let startKey: SummaryItem | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: filter.expression,
        ProjectionExpression: projection.expression,
        ExpressionAttributeNames: namesOf(filter, projection),
        ExpressionAttributeValues: { ':day': DAY_ENTRY.prefix },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) ids.push(entryId(String(item[a.pk]), Number(item[a.eventTs])));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return ids;
}

/**
 * One phase on a DynamoDB Local of its own: the tables, the consumer behind
 * the local mapping, the work, then the audit of the summary against what the
 * work wrote. Faults and the consumer's own clients go with the phase.
 */
function phase<T>(ctx: CaptureContext, o: PhaseOptions, work: (p: PhaseRun) => Promise<{ value: T; written: readonly string[] }>): Promise<T & PhaseResult> {
  return ctx.withDynamoDb(async (d) => {
    const config = ctx.config(o.name);
    const own = o.faults
      ? createClients({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoints: { dynamodb: d.endpoints.dynamodb, ses: d.endpoints.ses }, maxAttempts: 1 })
      : undefined;
    try {
      const h = await harness(d.clients, config, { variant: o.variant, windowMs: o.windowMs, consumer: own, expectFailures: own !== undefined }, ctx.log);
      // Only now: the harness's table creation and coverage item are set-up, not the consumer's writes under test.
      const injector = own && o.faults ? injectFaults(own, o.faults, config) : undefined;
      let out: { value: T; written: readonly string[] };
      try {
        out = await work({ d, config, h });
      } finally {
        await h.poller.stop();
        injector?.remove();
      }
      // Read with the phase's own clients: the audit must not see a fault.
      const audit = auditCapture(out.written, await scanDayEntryIds(d.clients.doc, config.summaryTable));
      return { ...out.value, h, audit, faults: injector?.counts() ?? [] };
    } finally {
      if (own) destroyClients(own);
    }
  });
}

/** Sustained write load: lag of each FAILED write through the stream, the mapping and the consumer. */
export function loadPhase(ctx: CaptureContext, o: PhaseOptions, load: CaptureLoad, seed: number) {
  return phase(ctx, o, async ({ d, config, h }) => {
    h.poller.start();
    const burst = load.burst;
    const input: WriterInput = {
      endpoint: d.endpoints.dynamodb,
      table: config.executionTable,
      ratePerS: load.rate_per_s,
      durationS: load.duration_s,
      failedShare: load.failed_share,
      ...(burst ? { burst: { atS: burst.at_s, forS: burst.for_s, share: burst.failed_share } } : {}),
      seed,
    };
    const { output } = await runChild<WriterOutput>(ctx.writerFile, 'BENCH_WRITER', input, ctx.track);
    // Every record delivered or discarded, not merely as many entries as writes: what never arrives shows as lost.
    await h.poller.waitForIdle(o.settleTimeoutMs);
    const lags: number[] = [];
    for (const [pk, ts, ack] of output.acks) {
      const done = h.store.done.get(entryId(pk, ts));
      if (done !== undefined) lags.push(done - ack);
    }
    return { value: { output, lags }, written: output.acks.map(([pk, ts]) => entryId(pk, ts)) };
  });
}

/** A backlog of FAILED records, then the consumer started: how many records a second it settles. */
export function drainPhase(ctx: CaptureContext, o: PhaseOptions, records: number) {
  return phase(ctx, o, async ({ d, config, h }) => {
    const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const day = benchDay({ date, tz: config.reportTz, failures: records, failedShare: 1, successesWritten: 0, seed: records + 1 });
    await batchPutAll(d.clients.doc, config.executionTable, day.failed as unknown as Record<string, unknown>[], 8);
    h.poller.start();
    await h.poller.waitForIdle(o.settleTimeoutMs);
    const first = Math.min(...h.invocations.map((i) => i.startMs));
    const last = h.store.done.size > 0 ? Math.max(...h.store.done.values()) : nowMs();
    return { value: { seconds: (last - first) / 1000 }, written: day.failed.map((f) => entryId(f.pk, f.event_ts)) };
  });
}

import type { Shard } from '@aws-sdk/client-dynamodb-streams';
import { matchesFilter } from '../../shared/capture/stream-filter.ts';
import { describeShards } from '../../shared/stream/describe-shards.ts';
import { toLambdaRecord } from '../../shared/stream/lambda-record.ts';
import { settleBatch, type BatchRunner, type OnFailureRecord } from './stream-batch.ts';
import { invokeHandler, type FunctionIdentity, type InvokeOutcome } from './stream-invoke.ts';
import { resolveOptions, type StreamPollerOptions } from './stream-options.ts';
import { runShard, type ShardState } from './stream-shard.ts';
import { backoffMs, errorMessage, errorName, sleep, Wake, type StreamLog } from './stream-support.ts';

export type { OnFailureRecord } from './stream-batch.ts';
export { StreamPollerOptionsError, type StreamFilterPattern, type StreamPollerOptions } from './stream-options.ts';
export type { StreamLog, StreamLogLevel } from './stream-support.ts';

export interface StreamPoller {
  start(): void;
  /** Resolves when no poll or invocation is running and no timer is left. */
  stop(): Promise<void>;
  /**
   * Resolves once every record written before the call is delivered or discarded:
   * a shard discovery and a poll of every open shard, all started after the call,
   * found nothing new and nothing is in flight.
   * @default timeoutMs 30_000
   */
  waitForIdle(timeoutMs?: number): Promise<void>;
  readonly stats: { readonly invocations: number; readonly recordsDelivered: number; readonly recordsFailed: number };
}

export class StreamPollerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamPollerStateError';
  }
}

export class StreamPollerIdleTimeoutError extends Error {
  constructor(timeoutMs: number, busy: string) {
    super(`The stream poller was not idle within ${timeoutMs} ms (${busy}).`);
    this.name = 'StreamPollerIdleTimeoutError';
  }
}

/** Shards of a live stream only change when one closes; this is the safety net. */
const REDISCOVER_INTERVAL_MS = 10_000;

const defaultLog: StreamLog = (level, message, extra) => {
  if (level === 'warn' || level === 'error') console.error(`[stream-poller] ${level}: ${message}`, extra ?? '');
};

interface IdleWaiter {
  readonly mark: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping: polls
 * every shard of the stream, filters, batches and invokes `handler` with real
 * `DynamoDBStreamEvent`s, and applies Lambda's checkpoint, bisect, retry and
 * on-failure rules. Children of a closed shard start once it is drained.
 */
export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const o = resolveOptions(options);
  const log = options.log ?? defaultLog;
  const now = options.now ?? Date.now;
  const stats = { invocations: 0, recordsDelivered: 0, recordsFailed: 0 };
  const shards = new Map<string, ShardState>();
  const loops = new Set<Promise<void>>();
  const waiters = new Set<IdleWaiter>();
  const rediscover = new Wake();
  let controller: AbortController | undefined;
  let tick = 0;
  let lastDiscoveryStart = -1;
  // A drained shard may have children that only the next discovery finds.
  let lastShardFinished = -1;

  function track(loop: Promise<void>): void {
    const tracked = loop.catch((error: unknown) => {
      log('error', 'stream poller loop crashed', { error: errorName(error), detail: errorMessage(error) });
    });
    loops.add(tracked);
    void tracked.finally(() => loops.delete(tracked));
  }

  function isIdleSince(mark: number): boolean {
    if (lastDiscoveryStart <= Math.max(mark, lastShardFinished)) return false;
    for (const s of shards.values()) if (!s.finished && !(s.idleSince !== undefined && s.idleSince > mark)) return false;
    return true;
  }

  function changed(): void {
    for (const w of waiters) {
      if (!isIdleSince(w.mark)) continue;
      waiters.delete(w);
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  async function discoveryLoop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let first = true;
    let fn: FunctionIdentity | undefined;
    while (!signal.aborted) {
      const startedAt = ++tick;
      try {
        fn ??= {
          functionName: o.functionName,
          region: options.region ?? (await options.streams.config.region()),
          accountId: accountOf(o.streamArn),
        };
        const found = await describeShards(options.streams, o.streamArn, signal);
        adopt(found, first, fn, signal);
        first = false;
        failures = 0;
        lastDiscoveryStart = startedAt;
        changed();
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        log('warn', 'describing the stream failed, retrying', { error: errorName(error), detail: errorMessage(error) });
        await sleep(backoffMs(failures), signal);
        continue;
      }
      await rediscover.sleep(REDISCOVER_INTERVAL_MS, signal);
    }
  }

  /** Starts a reader for each new shard whose parent, if still listed, is drained. */
  function adopt(found: readonly Shard[], first: boolean, fn: FunctionIdentity, signal: AbortSignal): void {
    const listed = new Set(found.map((s) => s.ShardId));
    for (const shard of found) {
      const shardId = shard.ShardId;
      if (!shardId || shards.has(shardId)) continue;
      const state: ShardState = { shardId, finished: false, idleSince: undefined };
      if (first && o.startingPosition === 'LATEST') {
        // LATEST means the tip of the open shards; closed ones hold only the past.
        state.finished = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        shards.set(shardId, state);
        if (!state.finished) startShard(state, 'LATEST', fn, signal);
        continue;
      }
      const parent = shard.ParentShardId;
      if (parent && listed.has(parent) && !shards.get(parent)?.finished) continue;
      shards.set(shardId, state);
      startShard(state, 'TRIM_HORIZON', fn, signal);
    }
  }

  function startShard(shard: ShardState, startAt: 'TRIM_HORIZON' | 'LATEST', fn: FunctionIdentity, signal: AbortSignal): void {
    const source = { streamArn: o.streamArn, region: fn.region };
    const filters = o.filters;
    const run = runShard({
      streams: options.streams,
      streamArn: o.streamArn,
      shard,
      startAt,
      batchSize: o.batchSize,
      maxBatchingWindowMs: o.maxBatchingWindowMs,
      pollIntervalMs: o.pollIntervalMs,
      signal,
      log,
      accept: (records) =>
        records.map((r) => toLambdaRecord(r, source)).filter((r) => filters === null || filters.some((f) => matchesFilter(f, r))),
      processBatch: (records) => settleBatch(records, batchRunner(shard.shardId, fn, signal)),
      tick: () => ++tick,
      changed: () => {
        if (shard.finished) {
          lastShardFinished = ++tick;
          rediscover.ring();
        }
        changed();
      },
      now,
    });
    track(run);
  }

  function batchRunner(shardId: string, fn: FunctionIdentity, signal: AbortSignal): BatchRunner {
    return {
      policy: o,
      shardId,
      streamArn: o.streamArn,
      signal,
      invoke: async (batch) => {
        stats.invocations += 1;
        const returned = await invokeHandler(options.handler, batch, fn, now);
        // Without ReportBatchItemFailures, Lambda ignores what the function returns.
        const outcome: InvokeOutcome =
          returned.kind === 'partial' && !o.reportBatchItemFailures ? { kind: 'success', requestId: returned.requestId } : returned;
        const extra = { shardId, records: batch.length, requestId: outcome.requestId };
        if (outcome.kind === 'error') log('warn', 'handler threw', { ...extra, error: errorMessage(outcome.error) });
        else if (outcome.kind === 'partial') {
          log('warn', 'handler reported failures', { ...extra, failedFrom: outcome.failedFrom });
        }
        else log('debug', 'batch delivered', extra);
        return outcome;
      },
      delivered: (batch) => {
        stats.recordsDelivered += batch.length;
      },
      discard: (failure) => discard(failure, signal),
      wait: (ms) => sleep(ms, signal),
      now,
    };
  }

  /** Hands a discarded batch to `onFailure`, retrying it: a lost failure report would hide lost records. */
  async function discard(failure: OnFailureRecord, signal: AbortSignal): Promise<void> {
    const info = failure.DDBStreamBatchInfo;
    log('error', 'records discarded to the on-failure handler', {
      condition: failure.requestContext.condition,
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
      batchSize: info.batchSize,
    });
    for (let attempt = 1; !signal.aborted; attempt += 1) {
      try {
        await options.onFailure(failure);
        stats.recordsFailed += failure.records.length;
        return;
      } catch (error) {
        log('error', 'onFailure threw, retrying', { error: errorName(error), detail: errorMessage(error), attempt });
        await sleep(backoffMs(attempt), signal);
      }
    }
  }

  function busyReport(mark: number): string {
    if (lastDiscoveryStart <= Math.max(mark, lastShardFinished)) return 'waiting for a shard discovery';
    const busy = [...shards.values()].filter((s) => !s.finished && !(s.idleSince !== undefined && s.idleSince > mark));
    return `shards still busy: ${busy.map((s) => s.shardId).join(', ')}`;
  }

  return {
    start() {
      if (controller) {
        if (controller.signal.aborted) {
          throw new StreamPollerStateError('a stopped stream poller cannot be restarted; create a new one');
        }
        return;
      }
      controller = new AbortController();
      track(discoveryLoop(controller.signal));
    },

    async stop() {
      if (!controller) return;
      controller.abort();
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new StreamPollerStateError('the stream poller was stopped while waiting for it to be idle'));
      }
      waiters.clear();
      while (loops.size > 0) await Promise.all([...loops]);
    },

    waitForIdle(timeoutMs = 30_000) {
      if (!controller || controller.signal.aborted) {
        return Promise.reject(new StreamPollerStateError('waitForIdle needs a started, not stopped, stream poller'));
      }
      const mark = ++tick;
      rediscover.ring();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new StreamPollerIdleTimeoutError(timeoutMs, busyReport(mark)));
        }, timeoutMs);
        const waiter: IdleWaiter = { mark, resolve, reject, timer };
        waiters.add(waiter);
        changed();
      });
    },

    stats: {
      get invocations() {
        return stats.invocations;
      },
      get recordsDelivered() {
        return stats.recordsDelivered;
      },
      get recordsFailed() {
        return stats.recordsFailed;
      },
    },
  };
}

function accountOf(streamArn: string): string {
  return streamArn.split(':')[4] || '000000000000';
}

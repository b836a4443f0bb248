import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBStreamEvent, Context } from 'aws-lambda';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DynamoClients } from '../../shared/aws/dynamodb-clients.ts';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { createStreamConsumerHandler, type StreamConsumerDeps, type StreamHandler } from '../../functions/stream-consumer/handler.ts';
import { LOCAL_REGION } from '../../infra/local/local-env.ts';
import { createStreamPoller, type StreamPoller } from '../../infra/local/stream-poller.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { createSequentialConsumer } from './baseline-consumer.ts';

export type ConsumerVariant = 'parallel' | 'sequential';

export const nowMs = (): number => performance.timeOrigin + performance.now();
/** One execution-log write, as the writer and the summary both know it. */
export const entryId = (pk: string, ts: number): string => `${pk}\u0000${ts}`;

/**
 * The summary store with a stopwatch: records when each entry's write first
 * completed. A retried batch rewrites entries that were already written, and
 * the first write is when the failure reached the summary. Wraps what the
 * consumer is given; the consumer is unchanged.
 */
export class TimedStore extends SummaryStore {
  readonly done = new Map<string, number>();
  private mark(entry: FailureEntry, at: number): void {
    const id = entryId(entry.pk, entry.event_ts);
    if (!this.done.has(id)) this.done.set(id, at);
  }
  override async putEntry(...args: Parameters<SummaryStore['putEntry']>): ReturnType<SummaryStore['putEntry']> {
    const outcome = await super.putEntry(...args);
    this.mark(args[0], nowMs());
    return outcome;
  }
  override async putEntries(...args: Parameters<SummaryStore['putEntries']>): Promise<void> {
    await super.putEntries(...args);
    const at = nowMs();
    for (const { entry } of args[0]) this.mark(entry, at);
  }
}

export interface Invocation {
  readonly startMs: number;
  readonly ms: number;
  readonly records: number;
  /** The batch holds a record an earlier invocation was handed: the mapping retrying or bisecting. */
  readonly retry: boolean;
}

export interface Harness {
  readonly store: TimedStore;
  readonly poller: StreamPoller;
  readonly invocations: Invocation[];
  /** Records the mapping handed to the on-failure destination. */
  readonly discarded: { count: number };
}

export interface HarnessOptions {
  readonly variant: ConsumerVariant;
  readonly windowMs: number;
  /** The consumer's own clients, as a function has its own; the mapping reads the stream with the phase's. @default the phase's clients */
  readonly consumer?: DynamoClients;
  /** Failed invocations are the point of the run (injected faults): count them, do not print each. @default false */
  readonly expectFailures?: boolean;
}

// What the poller says of a batch that it will retry: expected under injected faults.
const RETRY_WARNINGS = new Set(['handler threw', 'handler reported failures']);

/** The execution-log and summary tables, the consumer and the local mapping in front of it, not started yet. */
export async function harness(clients: Clients, config: DigestConfig, options: HarnessOptions, log: (m: string) => void): Promise<Harness> {
  const { streamArn } = await ensureLocalTables(clients.dynamodb, config);
  const doc = (options.consumer ?? clients).doc;
  const store = new TimedStore(doc, config.summaryTable, config.retentionDays);
  await store.ensureCoverage(config.reportTz, 0);
  const deps: StreamConsumerDeps = {
    store,
    evidence: new EvidenceStore(doc, config.summaryTable, config.retentionDays),
    tz: config.reportTz,
    clock: Date.now,
    logger: new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }),
  };
  const consumer: StreamHandler = options.variant === 'parallel' ? createStreamConsumerHandler(deps) : createSequentialConsumer(deps);
  const invocations: Invocation[] = [];
  const discarded = { count: 0 };
  const handed = new Set<string>();
  const handler = async (event: DynamoDBStreamEvent, context: Context) => {
    const startMs = nowMs();
    const sequenceNumbers = event.Records.map((r) => r.dynamodb?.SequenceNumber ?? '');
    const retry = sequenceNumbers.some((s) => handed.has(s));
    for (const s of sequenceNumbers) handed.add(s);
    const response = await consumer(event, context).finally(() => {
      invocations.push({ startMs, ms: nowMs() - startMs, records: event.Records.length, retry });
    });
    return response;
  };
  const poller = createStreamPoller({
    streams: clients.streams,
    streamArn,
    handler,
    maxBatchingWindowMs: options.windowMs,
    onFailure: (r) => void (discarded.count += r.records.length),
    region: LOCAL_REGION,
    functionName: 'failure-digest-stream-consumer',
    log: (level, message, extra) => {
      if (level === 'warn' && options.expectFailures && RETRY_WARNINGS.has(message)) return;
      if (level === 'warn' || level === 'error') log(`  stream: ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`);
    },
  });
  return { store, poller, invocations, discarded };
}

import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { matchesFilter } from '../../shared/capture/stream-filter.ts';
import { STREAM_MAPPING } from '../../shared/capture/stream-mapping.ts';
import type { OnFailureRecord } from './stream-batch.ts';
import { backoffMs, type StreamLog } from './stream-support.ts';

/** An event-source-mapping filter pattern (the subset of Lambda's rules `matchesFilter` implements). */
export type StreamFilterPattern = Parameters<typeof matchesFilter>[0];

export interface StreamPollerOptions {
  readonly streams: DynamoDBStreamsClient;
  /** The table's `LatestStreamArn` (from DescribeTable). */
  readonly streamArn: string;
  readonly handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;
  /** Receives each discarded batch, as an on-failure destination would. */
  readonly onFailure: (record: OnFailureRecord) => Promise<void> | void;
  /** @default STREAM_MAPPING.batchSize (100) */
  readonly batchSize?: number;
  /** @default STREAM_MAPPING.maximumBatchingWindowInSeconds in ms (5_000) */
  readonly maxBatchingWindowMs?: number;
  /** -1 retries until the records are older than `maxRecordAgeMs`. @default STREAM_MAPPING.maximumRetryAttempts (10) */
  readonly maxRetryAttempts?: number;
  /** @default STREAM_MAPPING.bisectBatchOnFunctionError (true) */
  readonly bisectBatchOnFunctionError?: boolean;
  /** -1 for no limit. @default STREAM_MAPPING.maximumRecordAgeInSeconds in ms (21_600_000, 6 hours) */
  readonly maxRecordAgeMs?: number;
  /**
   * Whether a `batchItemFailures` response counts; without it only a thrown
   * error fails a batch, as on a mapping without `ReportBatchItemFailures`.
   * @default STREAM_MAPPING.reportBatchItemFailures (true)
   */
  readonly reportBatchItemFailures?: boolean;
  /** Records that match none are dropped before batching; `null` delivers every record. @default STREAM_MAPPING.filters */
  readonly filters?: readonly StreamFilterPattern[] | null;
  /** @default STREAM_MAPPING.startingPosition ('TRIM_HORIZON') */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Pause between polls of a shard that had nothing new. @default 200 */
  readonly pollIntervalMs?: number;
  /**
   * Wait before the n-th retry of a failed batch (n from 1). Lambda does not
   * document its timing, only the count, so tests may make it short.
   * @default 100 ms doubling, capped at 5 s
   */
  readonly retryBackoffMs?: (retry: number) => number;
  /** `awsRegion` of the records and region of the function. @default the streams client's region */
  readonly region?: string;
  /** @default 'stream-consumer' */
  readonly functionName?: string;
  /** @default warnings and errors to stderr */
  readonly log?: StreamLog;
  /** The clock for record ages, context deadlines and timestamps. @default Date.now */
  readonly now?: () => number;
}

export class StreamPollerOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamPollerOptionsError';
  }
}

export type ResolvedOptions = Required<Omit<StreamPollerOptions, 'region' | 'log' | 'now'>>;

/** Fills in the deployed mapping's settings as defaults and rejects values the real event source mapping would refuse. */
export function resolveOptions(options: StreamPollerOptions): ResolvedOptions {
  const m = STREAM_MAPPING;
  const o: ResolvedOptions = {
    ...options,
    batchSize: options.batchSize ?? m.batchSize,
    maxBatchingWindowMs: options.maxBatchingWindowMs ?? m.maximumBatchingWindowInSeconds * 1000,
    maxRetryAttempts: options.maxRetryAttempts ?? m.maximumRetryAttempts,
    bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? m.bisectBatchOnFunctionError,
    maxRecordAgeMs: options.maxRecordAgeMs ?? m.maximumRecordAgeInSeconds * 1000,
    reportBatchItemFailures: options.reportBatchItemFailures ?? m.reportBatchItemFailures,
    filters: options.filters === undefined ? m.filters : options.filters,
    startingPosition: options.startingPosition ?? m.startingPosition,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    retryBackoffMs: options.retryBackoffMs ?? backoffMs,
    functionName: options.functionName ?? 'stream-consumer',
  };
  requireInteger('batchSize', o.batchSize, 1, 10_000);
  requireInteger('maxBatchingWindowMs', o.maxBatchingWindowMs, 0, 300_000);
  requireInteger('maxRetryAttempts', o.maxRetryAttempts, -1, 10_000);
  requireInteger('maxRecordAgeMs', o.maxRecordAgeMs, -1, Number.MAX_SAFE_INTEGER);
  requireInteger('pollIntervalMs', o.pollIntervalMs, 1, 60_000);
  if (!o.streamArn) throw new StreamPollerOptionsError('streamArn is required (DescribeTable gives it as LatestStreamArn)');
  return o;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StreamPollerOptionsError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

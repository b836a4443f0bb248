import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { FAILED_WRITES_FILTER, type matchesFilter } from '../../shared/capture/stream-filter.ts';
import type { OnFailureRecord } from './stream-batch.ts';
import type { StreamLog } from './stream-support.ts';

/** An event-source-mapping filter pattern (the equality subset `matchesFilter` understands). */
export type StreamFilterPattern = Parameters<typeof matchesFilter>[0];

export interface StreamPollerOptions {
  readonly streams: DynamoDBStreamsClient;
  /** The table's `LatestStreamArn` (from DescribeTable). */
  readonly streamArn: string;
  readonly handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;
  /** Receives each discarded batch, as an on-failure destination would. */
  readonly onFailure: (record: OnFailureRecord) => Promise<void> | void;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default 500 */
  readonly maxBatchingWindowMs?: number;
  /** -1 retries until the records are older than `maxRecordAgeMs`. @default 2 */
  readonly maxRetryAttempts?: number;
  /** @default true */
  readonly bisectBatchOnFunctionError?: boolean;
  /** -1 for no limit. @default 21_600_000 (6 hours) */
  readonly maxRecordAgeMs?: number;
  /** Pause between polls of a shard that had nothing new. @default 200 */
  readonly pollIntervalMs?: number;
  /** Records that do not match are dropped before batching; `null` delivers every record. @default FAILED_WRITES_FILTER */
  readonly filter?: StreamFilterPattern | null;
  /** @default 'TRIM_HORIZON' */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
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

/** Fills in the documented defaults and rejects values the real event source mapping would refuse. */
export function resolveOptions(options: StreamPollerOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    ...options,
    batchSize: options.batchSize ?? 100,
    maxBatchingWindowMs: options.maxBatchingWindowMs ?? 500,
    maxRetryAttempts: options.maxRetryAttempts ?? 2,
    bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? true,
    maxRecordAgeMs: options.maxRecordAgeMs ?? 6 * 60 * 60_000,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    filter: options.filter === undefined ? FAILED_WRITES_FILTER : options.filter,
    startingPosition: options.startingPosition ?? 'TRIM_HORIZON',
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

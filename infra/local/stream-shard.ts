import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type ShardIteratorType,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { backoffMs, errorMessage, errorName, sleep, type StreamLog } from './stream-support.ts';

/** What the poller knows about one shard; the shard's worker keeps it current. */
export interface ShardState {
  readonly shardId: string;
  /** The shard is closed and every record in it is delivered or discarded. */
  finished: boolean;
  /** Tick at which the last poll that found nothing (with nothing pending) started. */
  idleSince: number | undefined;
}

export interface ShardWorker {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly shard: ShardState;
  readonly startAt: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly maxBatchingWindowMs: number;
  readonly pollIntervalMs: number;
  readonly signal: AbortSignal;
  readonly log: StreamLog;
  /** Converts and filters what GetRecords returns; dropped records are simply not returned. */
  accept(records: readonly _Record[]): DynamoDBRecord[];
  processBatch(records: readonly DynamoDBRecord[]): Promise<void>;
  /** A monotonic counter shared with `waitForIdle`, to order polls against its calls. */
  tick(): number;
  changed(): void;
  now(): number;
}

/** DynamoDB Streams caps GetRecords at 1,000 records. */
const GET_RECORDS_LIMIT = 1_000;

/**
 * Reads one shard in order and hands its records over batch by batch; the
 * next batch starts only once the previous one is settled. Resolves when the
 * shard is closed and drained, or when the poller stops.
 */
export async function runShard(w: ShardWorker): Promise<void> {
  const reader = new ShardReader(w);
  const buffer: DynamoDBRecord[] = [];
  let bufferedSince = 0;
  let closed = false;
  w.log('info', 'shard reader started', { shardId: w.shard.shardId, startAt: w.startAt });
  while (!w.signal.aborted) {
    let gotRecords = false;
    if (!closed && buffer.length < w.batchSize) {
      const startedAt = w.tick();
      const page = await reader.next();
      if (page) {
        closed = page.closed;
        gotRecords = page.records.length > 0;
        const accepted = w.accept(page.records);
        if (buffer.length === 0) bufferedSince = w.now();
        buffer.push(...accepted);
        w.shard.idleSince = !gotRecords && buffer.length === 0 ? startedAt : undefined;
        w.changed();
      }
    }
    const windowLeft = bufferedSince + w.maxBatchingWindowMs - w.now();
    if (buffer.length > 0 && (buffer.length >= w.batchSize || closed || windowLeft <= 0)) {
      await w.processBatch(buffer.splice(0, w.batchSize));
      continue;
    }
    if (closed && buffer.length === 0) {
      w.shard.finished = true;
      w.log('info', 'shard closed and drained', { shardId: w.shard.shardId });
      w.changed();
      return;
    }
    // A page with records means more may be waiting: read on at once.
    if (gotRecords) continue;
    await sleep(buffer.length > 0 ? Math.min(w.pollIntervalMs, windowLeft) : w.pollIntervalMs, w.signal);
  }
}

interface Page {
  readonly records: readonly _Record[];
  /** GetRecords returned no next iterator: the shard will never get more records. */
  readonly closed: boolean;
}

/** Keeps a shard iterator alive across expiry, trimming and transient errors. */
class ShardReader {
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private fromTrimHorizon = false;
  private readAny = false;
  private failures = 0;

  constructor(private readonly w: ShardWorker) {}

  /** One GetRecords call; undefined when it failed (already logged and backed off) or the poller stopped. */
  async next(): Promise<Page | undefined> {
    const { w } = this;
    try {
      this.iterator ??= await this.newIterator();
      const out = await w.streams.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: GET_RECORDS_LIMIT }),
        { abortSignal: w.signal },
      );
      const records = out.Records ?? [];
      if (records.length > 0) this.readAny = true;
      const lastRecord = records[records.length - 1];
      if (lastRecord?.dynamodb?.SequenceNumber) this.lastSequenceNumber = lastRecord.dynamodb.SequenceNumber;
      this.iterator = out.NextShardIterator ?? undefined;
      this.failures = 0;
      return { records, closed: !out.NextShardIterator };
    } catch (error) {
      if (w.signal.aborted) return undefined;
      this.iterator = undefined;
      const name = errorName(error);
      const extra = { shardId: w.shard.shardId, error: name, detail: errorMessage(error) };
      if (name === 'ExpiredIteratorException') {
        // Everything up to the last record read is delivered or buffered: resume right after it.
        w.log('info', 'shard iterator expired, getting a new one', { ...extra, after: this.lastSequenceNumber });
        return undefined;
      }
      if (name === 'TrimmedDataAccessException') {
        // DynamoDB Local answers so for a shard that has no records yet: nothing was trimmed, and the shard is read from its start.
        if (this.lastSequenceNumber === undefined && !this.readAny) w.log('info', 'the shard has no records yet: reading it from TRIM_HORIZON', extra);
        else w.log('warn', 'records older than the stream retention were trimmed before they were read', extra);
        this.lastSequenceNumber = undefined;
        this.fromTrimHorizon = true;
        return undefined;
      }
      this.failures += 1;
      const delay = backoffMs(this.failures);
      w.log('warn', 'reading the shard failed, retrying', { ...extra, attempt: this.failures, retryInMs: delay });
      await sleep(delay, w.signal);
      return undefined;
    }
  }

  private async newIterator(): Promise<string> {
    const { w } = this;
    const position: { ShardIteratorType: ShardIteratorType; SequenceNumber?: string } = this.lastSequenceNumber
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: this.lastSequenceNumber }
      : { ShardIteratorType: this.fromTrimHorizon ? 'TRIM_HORIZON' : w.startAt };
    const out = await w.streams.send(
      new GetShardIteratorCommand({ StreamArn: w.streamArn, ShardId: w.shard.shardId, ...position }),
      { abortSignal: w.signal },
    );
    if (!out.ShardIterator) throw new Error(`GetShardIterator returned no iterator for ${w.shard.shardId}`);
    return out.ShardIterator;
  }
}

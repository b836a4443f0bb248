import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { heartbeatItem, readHeartbeat } from '../capture/heartbeat.ts';
import type { HeartbeatRound } from '../summary/model/capture-evidence.ts';
import type { EvidenceStore } from './store.ts';
import { latestIterators, openShards, readNext, type ShardCursor } from './stream-tail.ts';

export interface HeartbeatDeps {
  readonly doc: DynamoDBDocumentClient;
  readonly executionTable: string;
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly store: EvidenceStore;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface HeartbeatOptions {
  /** Slots never grow past this; a table with more shards gets rounds that do not prove coverage, and says so. @default 64 */
  readonly maxSlots?: number;
  /** How long the round watches the stream for its own heartbeats. @default 15_000 */
  readonly watchMs?: number;
  /** Pause between reads of the stream's tail. @default 500 */
  readonly pollMs?: number;
}

/** BatchWriteItem takes at most 25 puts. */
const BATCH = 25;

async function writeHeartbeats(deps: HeartbeatDeps, slots: readonly number[], writtenMs: number): Promise<void> {
  for (let i = 0; i < slots.length; i += BATCH) {
    let requests = slots.slice(i, i + BATCH).map((slot) => ({ PutRequest: { Item: heartbeatItem(slot, writtenMs) } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await deps.sleep(Math.min(1_000, 50 * 2 ** attempt));
      const out = await deps.doc.send(new BatchWriteCommand({ RequestItems: { [deps.executionTable]: requests } }));
      requests = (out.UnprocessedItems?.[deps.executionTable] ?? []) as typeof requests;
    }
  }
}

/**
 * Writes one heartbeat round: a heartbeat per slot into the execution-log
 * table, then watches the tail of every open shard to see where each landed.
 * Where an open shard got none, more slots are added (their pks hash to other
 * partitions) until every open shard has one or the slots run out. The round
 * is stored with the shards it did not reach, so the digest trusts only a
 * round that reached them all.
 */
export async function runHeartbeatRound(deps: HeartbeatDeps, options: HeartbeatOptions = {}): Promise<HeartbeatRound> {
  const maxSlots = options.maxSlots ?? 64;
  const watchMs = options.watchMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  const slots = [...((await deps.store.getSlots()) ?? [0])];
  const shards = await openShards(deps.streams, deps.streamArn);
  // Iterators first: LATEST then returns exactly what is written after this point.
  const cursors: ShardCursor[] = await latestIterators(deps.streams, deps.streamArn, shards);
  const writtenMs = deps.clock();
  await writeHeartbeats(deps, slots, writtenMs);

  const reached = new Map<string, Set<number>>(shards.map((s) => [s, new Set<number>()]));
  const deadline = deps.clock() + watchMs;
  const uncovered = () => shards.filter((s) => (reached.get(s)?.size ?? 0) === 0);
  const seen = () => new Set([...reached.values()].flatMap((set) => [...set]));
  while (deps.clock() < deadline) {
    for (const cursor of cursors) {
      for (const record of await readNext(deps.streams, cursor)) {
        const heartbeat = readHeartbeat(record as DynamoDBRecord);
        if (heartbeat?.writtenMs === writtenMs) reached.get(cursor.shardId)?.add(heartbeat.slot);
      }
    }
    const missing = uncovered();
    if (missing.length === 0 && seen().size === slots.length) break;
    // Every written slot showed up, yet a shard got none: those pks all live elsewhere; try more.
    if (missing.length > 0 && seen().size === slots.length && slots.length < maxSlots) {
      const more = Array.from({ length: Math.min(slots.length, maxSlots - slots.length) }, (_, i) => slots.length + i);
      slots.push(...more);
      await writeHeartbeats(deps, more, writtenMs);
    }
    await deps.sleep(pollMs);
  }
  const round: HeartbeatRound = { writtenMs, slots, shards, uncovered: uncovered() };
  await deps.store.putSlots(slots);
  await deps.store.putRound(round);
  return round;
}

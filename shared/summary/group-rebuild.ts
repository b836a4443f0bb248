import { DeleteCommand, paginateQuery, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../aws/conditional-put.ts';
import { expr } from '../aws/expression.ts';
import type { FailureEntry } from '../capture/entry.ts';
import { registerFirstSeen, registerLastSeen } from './group-updates.ts';
import { DAY_SHARDS, dayEntryFromItem, dayKey } from './model/day-entry.ts';
import { DAY_GROUP, dayGroupItem, groupKey, groupOfEntry, groupSortKey, mergeGroup, type DayGroup } from './model/day-group.ts';
import { SUMMARY_TABLE, type SummaryItem } from './model/table.ts';

/** How often one shard is reconciled again while capture keeps changing it. */
const ROUNDS = 8;

/** A shard whose groups changed under every reconciliation: rerun reprocess. */
export class GroupRebuildContendedError extends Error {
  constructor(pk: string) {
    super(`The day groups of ${pk} changed under ${ROUNDS} attempts to reconcile them; run reprocess again`);
    this.name = 'GroupRebuildContendedError';
  }
}

export interface GroupRebuild {
  /** Group items written whole. */
  readonly written: number;
  /** Group items that had no entry left, removed. */
  readonly deleted: number;
  /** Shard reconciliations redone because capture changed a count meanwhile. */
  readonly redone: number;
}

const PK = SUMMARY_TABLE.partitionKey;
const N = DAY_GROUP.attributes.count;

/** The groups of one shard's entries, one per (process, signature, source), by sort key. Pure. */
export function shardGroups(entries: Iterable<FailureEntry>): Map<string, DayGroup> {
  const out = new Map<string, DayGroup>();
  for (const e of entries) {
    const sk = groupSortKey(e.process, e.signature, e.source);
    const one = groupOfEntry(e);
    const seen = out.get(sk);
    out.set(sk, seen ? mergeGroup(seen, one) : one);
  }
  return out;
}

/**
 * Capture keeps the longer sample of the whole message; the entries hold its
 * 500-character head. A stored sample of the same latest entry whose text
 * that head begins is kept.
 */
function keepLongerSample(group: DayGroup, stored: SummaryItem | undefined): DayGroup {
  const a = DAY_GROUP.attributes;
  if (!stored || stored[a.latestPk] !== group.latest_pk || stored[a.lastTs] !== group.last_ts) return group;
  const sample = stored[a.sample];
  const head = group.sample.endsWith('…') ? group.sample.slice(0, -1) : group.sample;
  return typeof sample === 'string' && sample.length > group.sample.length && sample.startsWith(head) ? { ...group, sample } : group;
}

/**
 * Rebuilds a day's group items from its entries, exactly, while capture may
 * run. Per shard: read the group items (each `n` seen), then the entries,
 * then write each group item whole on the condition that its `n` is still
 * the one seen (or that none exists yet), and delete those with no entry
 * left on the same condition; if any condition fails, do the shard again.
 *
 * Why this is exact: capture changes `n` only in the transaction that adds
 * or moves an entry (group-writes.ts). A capture that committed before the
 * group read is in both reads. One that committed after it changed an `n`
 * this rebuild writes or deletes, so that write fails and the shard is read
 * again; or it touched only a group this rebuild neither read nor writes,
 * whose item capture then keeps right by itself. So when every condition
 * holds, every `n` written counts exactly the entries stored at that moment.
 */
export class GroupRebuilder {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async rebuildDay(tz: string, date: string, expiresAt: number): Promise<GroupRebuild> {
    const shards = await Promise.all(Array.from({ length: DAY_SHARDS }, (_, shard) => this.rebuildShard(tz, date, shard, expiresAt)));
    return shards.reduce((a, b) => ({ written: a.written + b.written, deleted: a.deleted + b.deleted, redone: a.redone + b.redone }));
  }

  private async rebuildShard(tz: string, date: string, shard: number, expiresAt: number): Promise<GroupRebuild> {
    const pk = groupKey(tz, date, shard);
    for (let round = 0; round < ROUNDS; round++) {
      const stored = new Map<string, SummaryItem>();
      for await (const item of this.query(pk)) stored.set(String(item[SUMMARY_TABLE.sortKey]), item);
      const entries: FailureEntry[] = [];
      for await (const item of this.query(dayKey(tz, date, shard))) entries.push(dayEntryFromItem(item));
      const exact = shardGroups(entries);

      const writes = [...exact].map(([sk, group]) => this.putIfSeen(dayGroupItem(pk, keepLongerSample(group, stored.get(sk)), expiresAt), stored.get(sk)?.[N]));
      const gone = [...stored].filter(([sk]) => !exact.has(sk));
      const deletes = gone.map(([sk, item]) => this.deleteIfSeen(pk, sk, item[N]));
      const held = await Promise.all([...writes, ...deletes]);
      if (held.every(Boolean)) {
        await Promise.all([...exact.values()].map((g) => this.register(g, expiresAt)));
        return { written: exact.size, deleted: gone.length, redone: round };
      }
    }
    throw new GroupRebuildContendedError(pk);
  }

  /** The registry learns the day's first and last of each signature, as capture would have told it. */
  private async register(g: DayGroup, expiresAt: number): Promise<void> {
    const at = (ts: number) => ({ process: g.process, signature: g.signature, template: g.template, ts });
    await this.conditional(new UpdateCommand({ TableName: this.tableName, ...registerFirstSeen(at(g.first_ts), expiresAt) }));
    await this.conditional(new UpdateCommand({ TableName: this.tableName, ...registerLastSeen(at(g.last_ts), expiresAt) }));
  }

  private putIfSeen(item: SummaryItem, seenCount: unknown): Promise<boolean> {
    const c = seenCount === undefined ? expr`attribute_not_exists(${PK})` : expr`${N} = :seen`;
    const values = seenCount === undefined ? {} : { ExpressionAttributeValues: { ':seen': seenCount } };
    return this.conditional(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: c.expression, ExpressionAttributeNames: c.names, ...values }));
  }

  private deleteIfSeen(pk: string, sk: string, seenCount: unknown): Promise<boolean> {
    const c = seenCount === undefined ? expr`attribute_not_exists(${N})` : expr`${N} = :seen`;
    const values = seenCount === undefined ? {} : { ExpressionAttributeValues: { ':seen': seenCount } };
    return this.conditional(
      new DeleteCommand({ TableName: this.tableName, Key: { [PK]: pk, [SUMMARY_TABLE.sortKey]: sk }, ConditionExpression: c.expression, ExpressionAttributeNames: c.names, ...values }),
    );
  }

  private conditional(command: PutCommand | DeleteCommand | UpdateCommand): Promise<boolean> {
    return conditionHeld(this.doc.send(command as PutCommand));
  }

  /** Strongly consistent: a rebuild must see every write that finished before it read. */
  private async *query(pk: string): AsyncGenerator<SummaryItem> {
    const key = expr`${PK} = :pk`;
    const input = { TableName: this.tableName, KeyConditionExpression: key.expression, ExpressionAttributeNames: key.names, ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true };
    for await (const page of paginateQuery({ client: this.doc }, input)) yield* page.Items ?? [];
  }
}

import { DeleteCommand, paginateQuery, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../aws/conditional-put.ts';
import { expr } from '../aws/expression.ts';
import type { FailureEntry } from '../capture/entry.ts';
import { putInfoIfAbsent, registerFirstSeen, registerLastSeen } from './group-updates.ts';
import { dayEntryFromItem, dayKey } from './model/day-entry.ts';
import { DAY_GROUP, dayGroupFromItem, dayGroupItem, groupOfEntry, mergeGroup, sampleOf, type DayGroup } from './model/day-group.ts';
import { entryShardsOf, GROUP_SHARDS, groupRebuildKeys, groupSortKey } from './model/day-group-key.ts';
import { groupInfoIdentity, type GroupInfo } from './model/group-info.ts';
import { keyOf, SUMMARY_TABLE, type SummaryItem } from './model/table.ts';

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
 * The info of each group: from the failures as the source gave them (whole
 * messages) where there are any, else the text a group item of the older
 * layout kept (`kept`), else the group's stored entries, whose heads are
 * shorter. The first one of each wins, as at capture. Pure.
 */
export function infosOf(read: Iterable<FailureEntry>, kept: Iterable<DayGroup>, counted: Iterable<DayGroup>): Map<string, GroupInfo> {
  const out = new Map<string, GroupInfo>();
  const keep = (info: GroupInfo) => {
    const id = groupInfoIdentity(info);
    if (!out.has(id)) out.set(id, info);
  };
  for (const e of read) keep({ process: e.process, signature: e.signature, template: e.template, sample: sampleOf(e.message) });
  for (const g of kept) if (g.template !== '' && g.sample !== '') keep({ process: g.process, signature: g.signature, template: g.template, sample: g.sample });
  for (const g of counted) keep({ process: g.process, signature: g.signature, template: g.template, sample: g.sample });
  return out;
}

/**
 * Rebuilds a day's group items from its entries, exactly, while capture may
 * run. Per group shard: read the group items (each `n` seen), then the
 * entries of the entry shards it counts (entryShardsOf), then write each
 * group item whole on the condition that its `n` is still
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
 * A group shard collecting several entry shards changes nothing of this:
 * each entry shard belongs to one group shard only, and every entry read of
 * them begins after the group read, so a capture into any of them is in both
 * reads or changes an `n` this rebuild conditions on. Items of the older
 * layout (one group shard per entry shard) in the partitions this group
 * shard took over are read with its own and deleted on the same condition:
 * their entries are counted in its own items now.
 */
export class GroupRebuilder {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async rebuildDay(tz: string, date: string, expiresAt: number, read: readonly FailureEntry[] = []): Promise<GroupRebuild> {
    const shards = await Promise.all(Array.from({ length: GROUP_SHARDS }, (_, shard) => this.rebuildShard(tz, date, shard, expiresAt)));
    const infos = infosOf(read, shards.flatMap((s) => s.kept), shards.flatMap((s) => s.groups));
    await Promise.all([...infos.values()].map((info) => this.conditional(new PutCommand({ TableName: this.tableName, ...putInfoIfAbsent(tz, date, info, expiresAt) }))));
    return shards.reduce((a, b) => ({ written: a.written + b.written, deleted: a.deleted + b.deleted, redone: a.redone + b.redone }), { written: 0, deleted: 0, redone: 0 });
  }

  private async rebuildShard(tz: string, date: string, shard: number, expiresAt: number): Promise<GroupRebuild & { readonly groups: DayGroup[]; readonly kept: DayGroup[] }> {
    const [pk, ...older] = groupRebuildKeys(tz, date, shard) as [string, ...string[]];
    for (let round = 0; round < ROUNDS; round++) {
      const stored = new Map<string, SummaryItem>();
      for await (const item of this.query(pk)) stored.set(String(item[SUMMARY_TABLE.sortKey]), item);
      const former: SummaryItem[] = [];
      for (const olderPk of older) for await (const item of this.query(olderPk)) former.push(item);
      const entries: FailureEntry[] = [];
      for (const entryShard of entryShardsOf(shard)) for await (const item of this.query(dayKey(tz, date, entryShard))) entries.push(dayEntryFromItem(item));
      const exact = shardGroups(entries);

      const writes = [...exact].map(([sk, group]) => this.putIfSeen(dayGroupItem(pk, group, expiresAt), stored.get(sk)?.[N]));
      const gone = [...stored].filter(([sk]) => !exact.has(sk));
      const deletes = [...gone.map(([sk, item]) => this.deleteIfSeen(pk, sk, item[N])), ...former.map((item) => this.deleteIfSeen(keyOf(item).pk, keyOf(item).sk, item[N]))];
      const held = await Promise.all([...writes, ...deletes]);
      if (held.every(Boolean)) {
        await Promise.all([...exact.values()].map((g) => this.register(g, expiresAt)));
        const kept = [...stored.values(), ...former].map(dayGroupFromItem);
        return { written: exact.size, deleted: deletes.length, redone: round, groups: [...exact.values()], kept };
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

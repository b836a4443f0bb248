import {
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { FailureEntry } from '../capture/entry.ts';
import { batchGetAll } from '../aws/batch-get.ts';
import { batchPutAll } from '../aws/batch-write.ts';
import { putIf } from '../aws/conditional-put.ts';
import { expr, setFields } from '../aws/expression.ts';
import { COVERAGE, coverageFromItem, coverageItem, coverageKey, type CoverageOf } from './model/coverage.ts';
import { allDayKeys, DAY_ENTRY, dayEntryFromItem, dayEntryItem, sequenceOrder, type TemplatesBySignature } from './model/day-entry.ts';
import { dayGroupFromItem, mergeGroups, sampleOf, type DayGroup } from './model/day-group.ts';
import { readableGroupKeys } from './model/day-group-key.ts';
import { groupInfoFromItem, groupInfoIdentity, groupInfoKey, groupInfoPartition, type GroupInfo, type GroupInfoId } from './model/group-info.ts';
import { dayRollupFromItem, dayRollupItem, rollupKey, type DayRollup } from './model/day-rollup.ts';
import { GroupRebuilder, type GroupRebuild } from './group-rebuild.ts';
import { GroupWrites } from './group-writes.ts';
import { signatureIdentity, signatureKey, signatureRecordFromItem, type SignatureId, type SignatureRecord } from './model/signature-registry.ts';
import { DAY_STATE, dayStateFromItem, dayStateKey, incompleteFields, rebuiltDayStateItem, type DayState } from './model/day-state.ts';
import { expiresAt, keyItem, SUMMARY_TABLE, type SummaryItem, type SummaryKey } from './model/table.ts';
import { unreadableFromItem, unreadableItem, unreadableKey, type UnreadableRecord } from './model/unreadable.ts';

/** Read statistics, so the benchmark can compare access paths. */
export interface ReadStats {
  pages: number;
  rcu: number;
}

/** How an entry is written: when it was captured, which its expiry counts from, and from which stream record. */
export interface EntryWrite {
  readonly capturedMs: number;
  /** The stream record's sequence number; reprocess, reading the GSI, has none. */
  readonly sequence?: string | undefined;
  /** The whole message, whose head the group's info keeps as its sample: longer than the entry's own head. @default the entry's head */
  readonly fullMessage?: string | undefined;
}

/** `superseded`: the entry already holds this record or a newer one of the same item, which stays. */
export type EntryWriteOutcome = 'written' | 'superseded';

const PK = SUMMARY_TABLE.partitionKey;
const sortKey = (item: SummaryItem) => String(item[SUMMARY_TABLE.sortKey]);
const MARKED = DAY_STATE.attributes.incompleteMs;

export class SummaryStore {
  /** Per store, so per Lambda container: what it knows of the group items it wrote (group-cache.ts). */
  private readonly groups: GroupWrites;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly retentionDays: number,
  ) {
    this.groups = new GroupWrites(doc, tableName);
  }

  // Retention counts from capture, not from event_ts: an old failure captured now is kept as long as any other.
  private entryItem(entry: FailureEntry, tz: string, day: string, capturedMs: number, order?: string): SummaryItem {
    return dayEntryItem(entry, tz, day, expiresAt(capturedMs, this.retentionDays), order);
  }

  /**
   * Writes one captured failure under its deterministic key. Two records of
   * one item can share that key (a MODIFY that rewrote the message), and the
   * consumer writes a batch in parallel and Lambda redelivers, so a write from
   * the stream only replaces an entry of an older record: its sequence number
   * must be higher than the stored one, or none be stored (an entry reprocess
   * wrote, or one from before sequence numbers were kept). A new entry is
   * counted into its day group in the same transaction (group-writes.ts), so
   * redeliveries and parallel consumers never count it twice.
   */
  async putEntry(entry: FailureEntry, tz: string, day: string, write: EntryWrite): Promise<EntryWriteOutcome> {
    const order = sequenceOrder(write.sequence);
    return this.groups.capture({
      entry,
      tz,
      day,
      item: this.entryItem(entry, tz, day, write.capturedMs, order),
      order,
      sample: sampleOf(write.fullMessage ?? entry.message),
      expiresAt: expiresAt(write.capturedMs, this.retentionDays),
      nowMs: write.capturedMs,
    });
  }

  /**
   * Many entries at once (reprocess): the same items as `putEntry`, batched,
   * without a sequence number. They are the item's current state as the GSI
   * holds it, so they replace what is stored, and any later stream write may
   * replace them.
   */
  async putEntries(entries: readonly { entry: FailureEntry; day: string }[], tz: string, capturedMs: number): Promise<void> {
    await batchPutAll(this.doc, this.tableName, entries.map(({ entry, day }) => this.entryItem(entry, tz, day, capturedMs)));
  }

  /** Kept for the retention period from when it was filed, like an entry. */
  async putUnreadable(tz: string, record: UnreadableRecord, capturedMs: number): Promise<void> {
    const item = unreadableItem(tz, record, expiresAt(capturedMs, this.retentionDays));
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  async readDay(tz: string, date: string, stats?: ReadStats): Promise<FailureEntry[]> {
    return this.readPartitions(allDayKeys(tz, date), (item) => dayEntryFromItem(item), stats);
  }

  /** Every item of `pks`, read in parallel, each made into a T. */
  private async readPartitions<T>(pks: readonly string[], read: (item: SummaryItem) => T, stats?: ReadStats): Promise<T[]> {
    const shards = await Promise.all(
      pks.map(async (pk) => {
        const out: T[] = [];
        for await (const item of this.query(pk, stats)) out.push(read(item));
        return out;
      }),
    );
    return shards.flat();
  }

  /**
   * Every entry of the day, oldest first, one page per shard in memory at a
   * time: each shard is read in sort key order (the time, then the pk), and
   * the shards are merged as they are read. `templates` (from the day's
   * groups) gives each entry its template.
   */
  async *streamDay(tz: string, date: string, options: { readonly templates?: TemplatesBySignature; readonly stats?: ReadStats } = {}): AsyncGenerator<FailureEntry> {
    const shards = allDayKeys(tz, date).map((pk) => this.query(pk, options.stats)[Symbol.asyncIterator]());
    try {
      const heads = await Promise.all(shards.map((s) => s.next()));
      for (;;) {
        let next = -1;
        for (let i = 0; i < heads.length; i++) {
          const head = heads[i]!;
          if (head.done) continue;
          if (next < 0 || sortKey(head.value) < sortKey((heads[next] as IteratorYieldResult<SummaryItem>).value)) next = i;
        }
        if (next < 0) return;
        yield dayEntryFromItem((heads[next] as IteratorYieldResult<SummaryItem>).value, options.templates);
        heads[next] = await shards[next]!.next();
      }
    } finally {
      // A reader that stops early (an error downstream) leaves no query running.
      await Promise.all(shards.map((s) => s.return?.(undefined)));
    }
  }

  /**
   * The day's groups, their shards added up: counts, times, sources and
   * latest pk. Template and sample are only those of items written before
   * group info items (withInfo fills them in). Items of the older layout's
   * shards are added in (readableGroupKeys).
   */
  async readGroups(tz: string, date: string, stats?: ReadStats): Promise<DayGroup[]> {
    return mergeGroups(await this.readPartitions(readableGroupKeys(tz, date), dayGroupFromItem, stats));
  }

  /** The info of the groups `ids` that have one, by groupInfoIdentity: one BatchGetItem per 100. */
  async getGroupInfos(tz: string, date: string, ids: readonly GroupInfoId[]): Promise<Map<string, GroupInfo>> {
    const keys = [...new Map(ids.map((id) => [groupInfoIdentity(id), keyItem(groupInfoKey(tz, date, id))])).values()];
    const items = await batchGetAll(this.doc, this.tableName, keys);
    return new Map(items.map((item) => groupInfoFromItem(item)).map((i) => [groupInfoIdentity(i), i]));
  }

  /** The info of every group of the day: one Query, for what needs every group's template (the CSV). */
  async readGroupInfos(tz: string, date: string, stats?: ReadStats): Promise<Map<string, GroupInfo>> {
    const infos = await this.readPartitions([groupInfoPartition(tz, date)], groupInfoFromItem, stats);
    return new Map(infos.map((i) => [groupInfoIdentity(i), i]));
  }

  /** The rollups of `dates` that exist, by date: one BatchGetItem. */
  async getRollups(tz: string, dates: readonly string[]): Promise<Map<string, DayRollup>> {
    const byPk = new Map(dates.map((d) => [rollupKey(tz, d).pk, d]));
    const items = await batchGetAll(this.doc, this.tableName, dates.map((d) => keyItem(rollupKey(tz, d))));
    return new Map(items.map((item) => [byPk.get(String(item[PK]))!, dayRollupFromItem(item)]));
  }

  /** Keeps a day's rollup, replacing any: it is what the day's groups add up to when written. */
  async putRollup(tz: string, date: string, rollup: DayRollup, nowMs: number): Promise<void> {
    const Item = dayRollupItem(tz, date, rollup, nowMs, expiresAt(nowMs, this.retentionDays), SUMMARY_TABLE.ttlAttribute);
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item }));
  }

  /**
   * Recounts a day's groups from its entries, exactly, while capture may run
   * (group-rebuild.ts): what reprocess does after writing a day's entries,
   * and what repairs a day captured before groups were kept. `read` are the
   * failures as the source gave them, whole messages and all, for the
   * groups' info; a group none of them is of takes its stored entries' heads.
   */
  async rebuildGroups(tz: string, date: string, nowMs: number, read: readonly FailureEntry[] = []): Promise<GroupRebuild> {
    return new GroupRebuilder(this.doc, this.tableName).rebuildDay(tz, date, expiresAt(nowMs, this.retentionDays), read);
  }

  /**
   * The registered signatures among `ids` (first and last seen), by
   * BatchGetItem: the digest asks for the few it shows, not for everything a
   * process ever failed with. Unknown ones are left out.
   */
  async getSignatures(ids: readonly SignatureId[]): Promise<Map<string, SignatureRecord>> {
    const keys = [...new Map(ids.map((id) => [signatureIdentity(id), keyItem(signatureKey(id))])).values()];
    const items = await batchGetAll(this.doc, this.tableName, keys);
    return new Map(items.map((item) => signatureRecordFromItem(item)).map((r) => [signatureIdentity(r), r]));
  }

  async listUnreadable(tz: string, date: string): Promise<UnreadableRecord[]> {
    const out: UnreadableRecord[] = [];
    for await (const item of this.query(unreadableKey(tz, date))) out.push(unreadableFromItem(item, date));
    return out;
  }

  private async *query(pk: string, stats?: ReadStats): AsyncGenerator<SummaryItem> {
    const key = expr`${PK} = :pk`;
    const input = {
      TableName: this.tableName,
      KeyConditionExpression: key.expression,
      ExpressionAttributeNames: key.names,
      ExpressionAttributeValues: { ':pk': pk },
      ReturnConsumedCapacity: 'TOTAL' as const,
    };
    for await (const page of paginateQuery({ client: this.doc }, input)) {
      if (stats) {
        stats.pages += 1;
        stats.rcu += page.ConsumedCapacity?.CapacityUnits ?? 0;
      }
      yield* page.Items ?? [];
    }
  }

  private async get(key: SummaryKey): Promise<SummaryItem | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyItem(key), ConsistentRead: true }));
    return out.Item;
  }

  /** Since when capture has seen every write (`entries`), or kept the day groups (`groups`). */
  async getCoverage(tz: string, of: CoverageOf = 'entries'): Promise<number | undefined> {
    const item = await this.get(coverageKey(tz, of));
    return item ? coverageFromItem(item) : undefined;
  }

  /** Records since when capture has seen every write and kept its groups, unless an earlier start is already recorded. */
  async ensureCoverage(tz: string, sinceMs: number): Promise<void> {
    const condition = expr`attribute_not_exists(${PK}) OR ${COVERAGE.attributes.sinceMs} > :since`;
    await Promise.all(
      (['entries', 'groups'] as const).map((of) => putIf(this.doc, this.tableName, coverageItem(tz, sinceMs, of), condition, { ':since': sinceMs })),
    );
  }

  async getDayState(tz: string, date: string): Promise<DayState | undefined> {
    const item = await this.get(dayStateKey(tz, date));
    return item ? dayStateFromItem(item) : undefined;
  }

  /** `markedMs` is when the records were given up; any distinct value serves a rebuild's check. */
  async markIncomplete(tz: string, date: string, reason: string, markedMs: number = Date.now()): Promise<void> {
    const update = setFields(incompleteFields(reason, markedMs));
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyItem(dayStateKey(tz, date)),
        UpdateExpression: update.expression,
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      }),
    );
  }

  /**
   * Marks a day rebuilt, replacing its state, only if no incomplete mark was
   * made since the rebuild read the state: `seenMarkMs` is the mark it saw
   * then (undefined for none, or one made before marks kept their time). A
   * mark made while it ran may be of records its read missed. False when the
   * state changed, and nothing is written.
   */
  async markRebuilt(tz: string, date: string, nowMs: number, seenMarkMs: number | undefined): Promise<boolean> {
    const item = rebuiltDayStateItem(tz, date, nowMs);
    if (seenMarkMs === undefined) return putIf(this.doc, this.tableName, item, expr`attribute_not_exists(${MARKED})`);
    return putIf(this.doc, this.tableName, item, expr`${MARKED} = :seen`, { ':seen': seenMarkMs });
  }
}

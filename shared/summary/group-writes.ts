import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../aws/conditional-put.ts';
import { transactWrite, type TransactionItem } from '../aws/transact.ts';
import type { FailureEntry } from '../capture/entry.ts';
import { GroupBoundsCache, KnownInfoCache, RegistryCache } from './group-cache.ts';
import {
  countInto,
  countOutOf,
  groupKeyOf,
  lowerFirst,
  putInfoIfAbsent,
  putNewEntry,
  putReplacingEntry,
  raiseLast,
  registerFirstSeen,
  registerLastSeen,
  type PutRequest,
  type UpdateRequest,
} from './group-updates.ts';
import { DAY_ENTRY, dayEntryFromItem } from './model/day-entry.ts';
import { groupInfoKey } from './model/group-info.ts';
import { signatureIdentity } from './model/signature-registry.ts';
import { keyItem, keyOf, type SummaryItem, type SummaryKey } from './model/table.ts';

/** One captured failure as the group writes take it: the entry's item and what its group keeps of it. */
export interface CapturedFailure {
  readonly entry: FailureEntry;
  readonly tz: string;
  readonly day: string;
  /** The entry's item, with `order` in it when there is one. */
  readonly item: SummaryItem;
  /** The record's sequenceOrder; undefined replaces whatever is stored, as reprocess does. */
  readonly order: string | undefined;
  /** The head of the record's whole message, for the group info's sample where the group has none yet. */
  readonly sample: string;
  readonly expiresAt: number;
  readonly nowMs: number;
}

export type CaptureOutcome = 'written' | 'superseded';

/** How often a capture decides again when the entry keeps changing under it. */
const ROUNDS = 5;

/** The entry changed between every read and write of one capture: another writer is rewriting it, and the record is retried. */
export class EntryContendedError extends Error {
  constructor(pk: string) {
    super(`The day entry of ${pk} changed under ${ROUNDS} attempts to write it`);
    this.name = 'EntryContendedError';
  }
}

const SEQ = DAY_ENTRY.attributes.sequence;
const cacheKey = (k: SummaryKey) => `${k.pk}\u0000${k.sk}`;

/**
 * The capture path of the aggregates. A group item's count changes only in
 * the transaction that creates its entry, or that rewrites an entry into
 * another group (it moves the count from the old item to the new one), each
 * conditioned on the entry as it was seen: so a redelivered or concurrent
 * record can never count an entry twice, and a rebuild can check that no
 * count moved while it read (group-rebuild.ts). First and last are kept by
 * conditional min/max updates after the transaction, and the group's info
 * by a put-if-absent, also on a redelivery: they are idempotent, and a crash
 * between the transaction and them is healed by the record's retry. Any
 * error of theirs fails the record, so Lambda retries it.
 */
export class GroupWrites {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly bounds = new GroupBoundsCache(),
    private readonly registry = new RegistryCache(),
    private readonly infos = new KnownInfoCache(),
  ) {}

  async capture(f: CapturedFailure): Promise<CaptureOutcome> {
    const group = groupKeyOf(f.entry, f.tz, f.day);
    for (let round = 0; round < ROUNDS; round++) {
      const created = await transactWrite(this.doc, [this.put(putNewEntry(f.item)), this.update(countInto(group, f.entry, f.expiresAt))]);
      if (created.done) {
        await this.heal(f, group);
        return 'written';
      }
      // DynamoDB returns the stored entry with the cancellation (ALL_OLD); read it if a stand-in does not.
      const stored = created.failed.get(0) ?? (await this.get(keyOf(f.item)));
      if (stored === undefined) continue; // gone again (TTL): create it
      const storedOrder = typeof stored[SEQ] === 'string' ? stored[SEQ] : undefined;
      if (f.order !== undefined && storedOrder !== undefined && storedOrder >= f.order) {
        // The same record again: its transaction went through before, its min/max updates perhaps not.
        if (storedOrder === f.order) await this.heal(f, group);
        return 'superseded';
      }
      if (await this.replace(f, stored, storedOrder, group)) {
        await this.heal(f, group);
        return 'written';
      }
      // The entry changed since it was read: decide again on what is stored now.
    }
    throw new EntryContendedError(f.entry.pk);
  }

  /**
   * Rewrites a stored entry with a newer record: a plain conditional put
   * while it stays in its group, else one transaction that moves its count.
   * False when the entry is no longer the one seen. An entry written before
   * groups were kept was never counted, so moving it takes one from a count
   * that never had it (down to -1 on an item of its own, which readGroups
   * leaves out): such days are exact once reprocess has rebuilt them.
   */
  private async replace(f: CapturedFailure, stored: SummaryItem, storedOrder: string | undefined, group: SummaryKey): Promise<boolean> {
    const put = putReplacingEntry(f.item, storedOrder);
    const was = groupKeyOf(dayEntryFromItem(stored), f.tz, f.day);
    if (was.pk === group.pk && was.sk === group.sk) return this.putIf(put);
    const moved = await transactWrite(this.doc, [this.put(put), this.update(countOutOf(was)), this.update(countInto(group, f.entry, f.expiresAt))]);
    return moved.done;
  }

  /**
   * The min/max updates of the group item and the registry, and the put of
   * the group's info, each skipped where this process knows it cannot
   * change anything (group-cache.ts).
   */
  private async heal(f: CapturedFailure, group: SummaryKey): Promise<void> {
    const { event_ts: ts, pk } = f.entry;
    const id = cacheKey(group);
    const rid = signatureIdentity(f.entry);
    const info = groupInfoKey(f.tz, f.day, f.entry);
    const sighting = { ...f.entry, ts };
    const jobs: Promise<void>[] = [];
    if (this.bounds.needsLast(id, ts, pk)) jobs.push(this.updateIf(raiseLast(group, ts, pk)).then(() => this.bounds.learnLast(id, ts, pk)));
    if (this.bounds.needsFirst(id, ts)) jobs.push(this.updateIf(lowerFirst(group, ts)).then(() => this.bounds.learnFirst(id, ts)));
    if (!this.infos.has(cacheKey(info))) jobs.push(this.putInfo(f).then(() => this.infos.learn(cacheKey(info))));
    if (this.registry.needsFirst(rid, ts)) jobs.push(this.updateIf(registerFirstSeen(sighting, f.expiresAt)).then(() => this.registry.learnFirst(rid, ts)));
    if (this.registry.needsLast(rid, f.nowMs)) jobs.push(this.updateIf(registerLastSeen(sighting, f.expiresAt)).then(() => this.registry.learnLast(rid, f.nowMs)));
    // Every job runs to its end before an error propagates: a bound is learnt only from a write that was answered.
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** True or false alike mean the info is stored: put now, or there already. */
  private async putInfo(f: CapturedFailure): Promise<boolean> {
    const { process, signature, template } = f.entry;
    return this.putIf(putInfoIfAbsent(f.tz, f.day, { process, signature, template, sample: f.sample }, f.expiresAt));
  }

  private put(request: PutRequest): TransactionItem {
    return { Put: { TableName: this.tableName, ...request } };
  }

  private update(request: UpdateRequest): TransactionItem {
    return { Update: { TableName: this.tableName, ...request } };
  }

  private async get(key: SummaryKey): Promise<SummaryItem | undefined> {
    return (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyItem(key), ConsistentRead: true }))).Item;
  }

  /** False when the condition did not hold. */
  private async putIf(request: Omit<PutRequest, 'ReturnValuesOnConditionCheckFailure'>): Promise<boolean> {
    return conditionHeld(this.doc.send(new PutCommand({ TableName: this.tableName, ...request, ReturnValuesOnConditionCheckFailure: undefined })));
  }

  private async updateIf(request: UpdateRequest): Promise<boolean> {
    return conditionHeld(this.doc.send(new UpdateCommand({ TableName: this.tableName, ...request })));
  }
}

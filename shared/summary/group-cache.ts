/**
 * What this process already knows about items it keeps min/max values on,
 * so that in steady state it skips conditional updates that cannot change
 * anything. Each write costs a write unit even when its condition fails.
 *
 * Why skipping is safe: capture only ever lowers a group's `first` and
 * raises its `last` (conditional updates, if_not_exists), so a bound this
 * process learnt ("stored first <= X", "stored last >= (Y, pk)") stays true
 * for as long as only capture writes the item; an update this process skips
 * because of it would have failed its condition. Bounds are learnt only
 * from a write that succeeded or whose condition failed, never from one that
 * errored. A rebuild (reprocess) sets exact values, which can only move a
 * bound the other way when an entry left the group (a rewrite to another
 * signature); then a skipped update may leave first or last off by that one
 * moved entry until the next rebuild. Counts never go through this cache.
 */

/** A Map that forgets its least recently used keys past `limit`: a Lambda container's memory is bounded, its life is not. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly limit: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as K);
  }

  get size(): number {
    return this.map.size;
  }
}

interface Bounds {
  /** The stored first is at most this. */
  first?: number;
  /** The stored (last, lpk) is at least this. */
  lastTs?: number;
  lastPk?: string;
}

export const GROUP_CACHE_LIMIT = 20_000;

const laterOrEqual = (ts: number, pk: string, thanTs: number, thanPk: string) => ts > thanTs || (ts === thanTs && pk >= thanPk);

/** Per group shard item (by its key), the bounds this process knows. Pure apart from its own memory. */
export class GroupBoundsCache {
  private readonly bounds: BoundedMap<string, Bounds>;
  constructor(limit = GROUP_CACHE_LIMIT) {
    this.bounds = new BoundedMap(limit);
  }

  /** Whether lowering first to `ts` may change the item. */
  needsFirst(key: string, ts: number): boolean {
    const b = this.bounds.get(key);
    return b?.first === undefined || ts < b.first;
  }

  /** Whether raising last to (`ts`, `pk`) may change the item. An equal one does not: it is this entry, already there. */
  needsLast(key: string, ts: number, pk: string): boolean {
    const b = this.bounds.get(key);
    return b?.lastTs === undefined || !laterOrEqual(b.lastTs, b.lastPk ?? '', ts, pk);
  }

  /** After a write of first = `ts` went through or found an earlier one. */
  learnFirst(key: string, ts: number): void {
    const b = this.bounds.get(key) ?? {};
    this.bounds.set(key, { ...b, first: b.first === undefined ? ts : Math.min(b.first, ts) });
  }

  /** After a write of last = (`ts`, `pk`) went through or found a later one. */
  learnLast(key: string, ts: number, pk: string): void {
    const b = this.bounds.get(key) ?? {};
    const keep = b.lastTs !== undefined && laterOrEqual(b.lastTs, b.lastPk ?? '', ts, pk);
    this.bounds.set(key, keep ? b : { ...b, lastTs: ts, lastPk: pk });
  }
}

export const REGISTRY_REFRESH_MS = 3_600_000;

interface Sighting {
  first: number;
  refreshedMs: number;
}

/**
 * Per registered signature, the earliest time this process registered and
 * when it last moved its last seen: a signature is written at most once an
 * hour per container (plus whenever an earlier first turns up), so a storm
 * of one error is not a hot item. The registry's last seen is therefore
 * accurate to that hour.
 */
export class RegistryCache {
  private readonly seen: BoundedMap<string, Sighting>;
  constructor(
    limit = GROUP_CACHE_LIMIT,
    readonly refreshMs = REGISTRY_REFRESH_MS,
  ) {
    this.seen = new BoundedMap(limit);
  }

  needsFirst(id: string, ts: number): boolean {
    const s = this.seen.get(id);
    return s === undefined || ts < s.first;
  }

  needsLast(id: string, nowMs: number): boolean {
    const s = this.seen.get(id);
    return s === undefined || nowMs - s.refreshedMs >= this.refreshMs;
  }

  learnFirst(id: string, ts: number): void {
    const s = this.seen.get(id);
    this.seen.set(id, { first: s === undefined ? ts : Math.min(s.first, ts), refreshedMs: s?.refreshedMs ?? -Infinity });
  }

  learnLast(id: string, nowMs: number): void {
    const s = this.seen.get(id);
    this.seen.set(id, { first: s?.first ?? Infinity, refreshedMs: nowMs });
  }
}

/**
 * The group info items this process has written or found written: each is
 * put only where absent, so once one is known no put of it can change it,
 * and a warm container puts none.
 */
export class KnownInfoCache {
  private readonly known: BoundedMap<string, true>;
  constructor(limit = GROUP_CACHE_LIMIT) {
    this.known = new BoundedMap(limit);
  }

  has(key: string): boolean {
    return this.known.get(key) !== undefined;
  }

  /** After a put of it went through or found it there. */
  learn(key: string): void {
    this.known.set(key, true);
  }
}

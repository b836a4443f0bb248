import { describe, expect, it } from 'vitest';
import { BoundedMap, GroupBoundsCache, RegistryCache } from '../../shared/summary/group-cache.ts';
import { shardGroups } from '../../shared/summary/group-rebuild.ts';
import { countInto, countOutOf, groupKeyOf, lowerFirst, putNewEntry, putReplacingEntry, raiseLast, registerFirstSeen, registerLastSeen } from '../../shared/summary/group-updates.ts';
import { shardOf } from '../../shared/summary/model/day-entry.ts';
import { dayGroupFromItem, dayGroupItem, groupKey, groupSortKey } from '../../shared/summary/model/day-group.ts';
import { SIGNATURE_REGISTRY, signatureKey, signatureRecordFromItem } from '../../shared/summary/model/signature-registry.ts';
import { failureEntry } from '../support/failure-entry.ts';

const TS = Date.parse('2026-11-25T08:15:30.123Z');
const entry = failureEntry({ pk: 'etl#run-1', process: 'etl', event_ts: TS, message: 'disk full', source: 'execution-log' });
const KEY = { pk: 'GRP#UTC#2026-11-25#03', sk: 'x' };

/** Every `#name` an expression uses is in its names map, and every name in the map is used: DynamoDB refuses either mistake. */
function expectNamesMatch(r: { ExpressionAttributeNames: Record<string, string>; UpdateExpression?: string; ConditionExpression?: string }) {
  const text = `${r.UpdateExpression ?? ''} ${r.ConditionExpression ?? ''}`;
  expect(new Set(text.match(/#\w+/g))).toEqual(new Set(Object.keys(r.ExpressionAttributeNames)));
}

describe('group write requests', () => {
  it('files an entry under the group item of its own shard', () => {
    expect(groupKeyOf(entry, 'UTC', '2026-11-25')).toEqual({
      pk: groupKey('UTC', '2026-11-25', shardOf(entry.pk, entry.event_ts)),
      sk: groupSortKey('etl', entry.signature, 'execution-log'),
    });
  });

  it('creates an entry only where none is stored, and asks for the stored one back', () => {
    expect(putNewEntry({ pk: 'p' })).toMatchObject({ ConditionExpression: 'attribute_not_exists(#pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  });

  it('replaces an entry only while it is the one seen', () => {
    expect(putReplacingEntry({}, '0042')).toMatchObject({ ConditionExpression: '#seq = :seen', ExpressionAttributeValues: { ':seen': '0042' } });
    const none = putReplacingEntry({}, undefined);
    expect(none.ConditionExpression).toBe('attribute_exists(#pk) AND attribute_not_exists(#seq)');
    expect(none).not.toHaveProperty('ExpressionAttributeValues');
  });

  it('counts with ADD and keeps first, last and the sample where absent', () => {
    const r = countInto(KEY, entry, 'disk full', 99);
    expect(r.UpdateExpression).toMatch(/^ADD #n :one SET /);
    expect(r.UpdateExpression).toContain('#first = if_not_exists(#first, :ts)');
    expect(r.UpdateExpression).toContain('#smp = if_not_exists(#smp, :smp)');
    expect(r.ExpressionAttributeValues).toMatchObject({ ':one': 1, ':ts': TS, ':exp': 99, ':sig': entry.signature });
    expect(r).not.toHaveProperty('ConditionExpression');
    expectNamesMatch(r);
    expect(countOutOf(KEY)).toMatchObject({ UpdateExpression: 'ADD #n :minus', ExpressionAttributeValues: { ':minus': -1 } });
  });

  it('moves last and first only one way, and never creates an item', () => {
    const last = raiseLast(KEY, TS, 'etl#run-1', 'disk full');
    expect(last.ConditionExpression).toBe('attribute_exists(#n) AND (attribute_not_exists(#last) OR #last < :ts OR (#last = :ts AND #lpk <= :pk))');
    expectNamesMatch(last);
    const first = lowerFirst(KEY, TS);
    expect(first.ConditionExpression).toBe('#first > :ts');
    expectNamesMatch(first);
  });

  it('registers a signature first seen and last seen with conditions of their own', () => {
    const s = { process: 'etl', signature: entry.signature, template: entry.template, ts: TS };
    const first = registerFirstSeen(s, 99);
    expect(first.Key).toEqual({ pk: `${SIGNATURE_REGISTRY.prefix}etl`, sk: entry.signature });
    expect(first.ConditionExpression).toBe('attribute_not_exists(#first) OR #first > :ts');
    expectNamesMatch(first);
    const last = registerLastSeen(s, 99);
    expect(last.ConditionExpression).toBe('attribute_exists(#first) AND #last < :ts');
    expectNamesMatch(last);
  });

  it('keys a registered signature by process, hashing a process too long for a key', () => {
    expect(signatureKey({ process: 'p'.repeat(3000), signature: 'abc' }).pk).toMatch(/^SIG#sha256:[0-9a-f]{64}$/);
    expect(signatureRecordFromItem({ proc: 'etl', sig: 'abc', tpl: 't', first: 1, last: 2 })).toEqual({ process: 'etl', signature: 'abc', template: 't', first_ts: 1, last_ts: 2 });
  });
});

describe('shardGroups and dayGroupItem', () => {
  const e = (pk: string, ts: number, source = 'execution-log', message = 'disk full') => failureEntry({ pk, process: 'etl', event_ts: ts, message, source });

  it('counts per (process, signature, source), with the earliest first and the latest last and sample', () => {
    const groups = shardGroups([e('etl#a', 3), e('etl#b', 1), e('etl#c', 2), e('etl#d', 2, 's3-access-log'), e('etl#e', 3, 'execution-log', 'KeyError: x')]);
    const disk = groups.get(groupSortKey('etl', entry.signature, 'execution-log'))!;
    expect(disk).toMatchObject({ count: 3, first_ts: 1, last_ts: 3, latest_pk: 'etl#a' });
    expect(groups.size).toBe(3);
  });

  it('writes an item that reads back as the group it was made from', () => {
    const [group] = [...shardGroups([e('etl#a', 3), e('etl#b', 1)]).values()];
    const item = dayGroupItem(groupKey('UTC', '2026-11-25', 2), group!, 99);
    expect(item).toMatchObject({ pk: groupKey('UTC', '2026-11-25', 2), n: 2, expires_at: 99 });
    expect(dayGroupFromItem(item)).toEqual(group);
  });
});

describe('BoundedMap', () => {
  it('forgets the least recently used key past its limit', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.get('a');
    m.set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c'), m.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe('GroupBoundsCache', () => {
  it('skips what cannot change the item, and nothing it has not learnt', () => {
    const c = new GroupBoundsCache();
    expect([c.needsFirst('k', 10), c.needsLast('k', 10, 'p')]).toEqual([true, true]);
    c.learnFirst('k', 10);
    c.learnLast('k', 10, 'p');
    expect([c.needsFirst('k', 10), c.needsFirst('k', 11), c.needsFirst('k', 9)]).toEqual([false, false, true]);
    expect([c.needsLast('k', 10, 'p'), c.needsLast('k', 9, 'z'), c.needsLast('k', 10, 'q'), c.needsLast('k', 11, 'a')]).toEqual([false, false, true, true]);
  });

  it('keeps the tighter bound when it learns a looser one', () => {
    const c = new GroupBoundsCache();
    c.learnFirst('k', 5);
    c.learnFirst('k', 8);
    c.learnLast('k', 20, 'p');
    c.learnLast('k', 15, 'z');
    expect([c.needsFirst('k', 6), c.needsLast('k', 18, 'a')]).toEqual([false, false]);
  });

  it('stays within its limit', () => {
    const c = new GroupBoundsCache(2);
    for (const k of ['a', 'b', 'c']) c.learnFirst(k, 1);
    expect([c.needsFirst('a', 2), c.needsFirst('c', 2)]).toEqual([true, false]);
  });
});

describe('RegistryCache', () => {
  it('moves last seen at most once per refresh period, first seen whenever an earlier one turns up', () => {
    const c = new RegistryCache(10, 3_600_000);
    expect([c.needsFirst('s', 100), c.needsLast('s', 0)]).toEqual([true, true]);
    c.learnFirst('s', 100);
    c.learnLast('s', 1_000);
    expect([c.needsFirst('s', 100), c.needsFirst('s', 99)]).toEqual([false, true]);
    expect([c.needsLast('s', 1_000 + 3_599_999), c.needsLast('s', 1_000 + 3_600_000)]).toEqual([false, true]);
  });
});

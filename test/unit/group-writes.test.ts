import { describe, expect, it } from 'vitest';
import { BoundedMap, GroupBoundsCache, KnownInfoCache, RegistryCache } from '../../shared/summary/group-cache.ts';
import { infosOf, shardGroups } from '../../shared/summary/group-rebuild.ts';
import { countInto, countOutOf, groupKeyOf, lowerFirst, putInfoIfAbsent, putNewEntry, putReplacingEntry, raiseLast, registerFirstSeen, registerLastSeen } from '../../shared/summary/group-updates.ts';
import { DAY_SHARDS, shardOf } from '../../shared/summary/model/day-entry.ts';
import { dayGroupFromItem, dayGroupItem, MAX_SAMPLE_CHARS, sampleOf } from '../../shared/summary/model/day-group.ts';
import { entryShardsOf, GROUP_SHARDS, groupKey, groupShardOf, groupSortKey } from '../../shared/summary/model/day-group-key.ts';
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
  it('files an entry under the group item of its entry shard\'s group shard', () => {
    expect(groupKeyOf(entry, 'UTC', '2026-11-25')).toEqual({
      pk: groupKey('UTC', '2026-11-25', shardOf(entry.pk, entry.event_ts) % GROUP_SHARDS),
      sk: groupSortKey('etl', entry.signature, 'execution-log'),
    });
  });

  it('gives every entry shard to exactly one group shard, the one entries of it are counted in', () => {
    const owners = Array.from({ length: DAY_SHARDS }, (_, s) => Array.from({ length: GROUP_SHARDS }, (_, g) => g).filter((g) => entryShardsOf(g).includes(s)));
    expect(owners).toEqual(Array.from({ length: DAY_SHARDS }, (_, s) => [groupShardOf(s)]));
    expect(GROUP_SHARDS).toBe(4);
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

  it('counts with ADD and keeps first and last where absent, and no text: the key holds the identity', () => {
    const r = countInto(KEY, entry, 99);
    expect(r.UpdateExpression).toBe('ADD #n :one SET #first = if_not_exists(#first, :ts), #last = if_not_exists(#last, :ts), #lpk = if_not_exists(#lpk, :pk), #expires_at = :exp');
    expect(r.ExpressionAttributeValues).toEqual({ ':one': 1, ':ts': TS, ':pk': entry.pk, ':exp': 99 });
    expect(r).not.toHaveProperty('ConditionExpression');
    expectNamesMatch(r);
    const long = { ...entry, process: 'p'.repeat(2000) };
    const hashed = countInto(KEY, long, 99);
    expect(hashed.UpdateExpression).toContain('#proc = :proc, #sig = :sig, #src = :src');
    expect(hashed.ExpressionAttributeValues).toMatchObject({ ':proc': long.process, ':sig': entry.signature, ':src': 'execution-log' });
    expectNamesMatch(hashed);
    expect(countOutOf(KEY)).toMatchObject({ UpdateExpression: 'ADD #n :minus', ExpressionAttributeValues: { ':minus': -1 } });
  });

  it('moves last and first only one way, and never creates an item', () => {
    const last = raiseLast(KEY, TS, 'etl#run-1');
    expect(last.UpdateExpression).toBe('SET #last = :ts, #lpk = :pk');
    expect(last.ConditionExpression).toBe('attribute_exists(#n) AND (attribute_not_exists(#last) OR #last < :ts OR (#last = :ts AND #lpk < :pk))');
    expectNamesMatch(last);
    const first = lowerFirst(KEY, TS);
    expect(first.ConditionExpression).toBe('#first > :ts');
    expectNamesMatch(first);
  });

  it('puts a group\'s info only where none is stored, keyed by day and (signature, process)', () => {
    const r = putInfoIfAbsent('UTC', '2026-11-25', { process: 'etl', signature: entry.signature, template: entry.template, sample: 'disk full' }, 99);
    expect(r.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(r.Item).toEqual({ pk: 'GINFO#UTC#2026-11-25', sk: `${entry.signature}#etl`, tpl: entry.template, smp: 'disk full', expires_at: 99 });
    expect(r).not.toHaveProperty('ExpressionAttributeValues');
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

  it('writes an item of counts and times that reads back as the group it was made from, less its text', () => {
    const [group] = [...shardGroups([e('etl#a', 3), e('etl#b', 1)]).values()];
    const item = dayGroupItem(groupKey('UTC', '2026-11-25', 2), group!, 99);
    expect(item).toEqual({ pk: groupKey('UTC', '2026-11-25', 2), sk: groupSortKey('etl', entry.signature, 'execution-log'), n: 2, first: 1, last: 3, lpk: 'etl#a', expires_at: 99 });
    expect(dayGroupFromItem(item)).toEqual({ ...group, template: '', sample: '' });
  });

  it('keeps process, signature and source on an item whose key is hashed, and reads them back', () => {
    const long = failureEntry({ pk: `${'p#'.repeat(600)}#run`, process: 'p#'.repeat(600), event_ts: 1, message: 'disk full', source: 'src#1' });
    const [group] = [...shardGroups([long]).values()];
    const item = dayGroupItem('GRP#UTC#2026-11-25#00', group!, 99);
    expect(String(item['sk'])).toMatch(/#sha256:[0-9a-f]{64}$/);
    expect(item).toMatchObject({ proc: long.process, sig: long.signature, src: 'src#1' });
    expect(dayGroupFromItem(item)).toEqual({ ...group, template: '', sample: '' });
  });

  it('reads an item of the older layout, text and all', () => {
    const older = { pk: 'GRP#UTC#2026-11-25#05', sk: groupSortKey('etl', entry.signature, 'execution-log'), proc: 'etl', sig: entry.signature, tpl: 'disk full', smp: 'disk full on /dev/sda1', src: 'execution-log', n: 4, first: 1, last: 9, lpk: 'etl#z' };
    expect(dayGroupFromItem(older)).toMatchObject({ process: 'etl', signature: entry.signature, template: 'disk full', sample: 'disk full on /dev/sda1', count: 4, latest_pk: 'etl#z' });
  });

  it('takes a group\'s info from the source\'s whole message where it has one, else from the entries', () => {
    const stored = [...shardGroups([e('etl#a', 3), e('etl#b', 1, 'execution-log', 'KeyError: x')]).values()];
    const whole = failureEntry({ pk: 'etl#a', process: 'etl', event_ts: 3, source: 'execution-log', message: `disk full\n${'  at frame\n'.repeat(100)}` });
    const older = { ...stored[0]!, template: 'older template', sample: 'older sample' };
    expect(infosOf([], [older], stored).get(`etl\u0000${whole.signature}`)).toMatchObject({ template: 'older template', sample: 'older sample' });
    const infos = infosOf([whole], [older], stored);
    expect(infos.size).toBe(2);
    expect(infos.get(`etl\u0000${whole.signature}`)?.sample).toBe(sampleOf(whole.message));
    expect(infos.get(`etl\u0000${whole.signature}`)?.sample).toHaveLength(MAX_SAMPLE_CHARS);
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

describe('KnownInfoCache', () => {
  it('knows an info only once it has learnt it', () => {
    const c = new KnownInfoCache(1);
    expect(c.has('a')).toBe(false);
    c.learn('a');
    expect(c.has('a')).toBe(true);
    c.learn('b');
    expect([c.has('a'), c.has('b')]).toEqual([false, true]);
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

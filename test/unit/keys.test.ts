import { describe, expect, it } from 'vitest';
import { coverageKey } from '../../shared/summary/model/coverage.ts';
import { DAY_SHARDS, allDayKeys, dayKey, entryKey, fnv1a, shardOf } from '../../shared/summary/model/day-entry.ts';
import { dayStateKey } from '../../shared/summary/model/day-state.ts';
import { sentMarkerKey } from '../../shared/summary/model/sent-marker.ts';
import { MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from '../../shared/summary/model/key-limits.ts';
import { unreadableItem, unreadableKey } from '../../shared/summary/model/unreadable.ts';
import { sortKeyFrom, sortKeyUntil, uploadEventSortKey, uploadEventsKey } from '../../shared/summary/model/upload-events.ts';
import { uploadStartKey, uploadStartsKey, uploadStartsKeys } from '../../shared/summary/model/upload-starts.ts';

const TS = Date.parse('2026-11-25T08:15:30.123Z');

describe('fnv1a', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});

describe('shardOf', () => {
  it('gives the same shard for the same entry every time', () => {
    const first = shardOf('nightly-export#run-42', TS);
    for (let i = 0; i < 5; i++) expect(shardOf('nightly-export#run-42', TS)).toBe(first);
    expect(Number.isInteger(first)).toBe(true);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(DAY_SHARDS);
  });

  it('spreads 10,000 different pks roughly evenly over every shard', () => {
    const counts = new Array<number>(DAY_SHARDS).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const s = shardOf(`process-${i % 37}#run-${i}`, TS);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    // 1,250 expected per shard; a binomial standard deviation is about 33.
    for (const c of counts) {
      expect(c).toBeGreaterThan(1_050);
      expect(c).toBeLessThan(1_450);
    }
  });

  it('spreads one pk failing at many instants too', () => {
    const used = new Set<number>();
    for (let i = 0; i < 1_000; i++) used.add(shardOf('nightly-export', TS + i * 1_000));
    expect(used.size).toBe(DAY_SHARDS);
  });

  it('honours a custom shard count', () => {
    for (let i = 0; i < 200; i++) {
      const s = shardOf(`pk-${i}`, TS, 3);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(3);
    }
  });
});

describe('dayKey / allDayKeys', () => {
  it('formats the zone, the date and a two-digit shard', () => {
    expect(dayKey('Europe/Paris', '2026-11-25', 3)).toBe('DAY#Europe/Paris#2026-11-25#03');
    expect(dayKey('UTC', '2026-01-01', 11)).toBe('DAY#UTC#2026-01-01#11');
  });

  it('lists one key per shard, 00 to 07', () => {
    expect(allDayKeys('Asia/Kolkata', '2026-11-25')).toEqual([
      'DAY#Asia/Kolkata#2026-11-25#00',
      'DAY#Asia/Kolkata#2026-11-25#01',
      'DAY#Asia/Kolkata#2026-11-25#02',
      'DAY#Asia/Kolkata#2026-11-25#03',
      'DAY#Asia/Kolkata#2026-11-25#04',
      'DAY#Asia/Kolkata#2026-11-25#05',
      'DAY#Asia/Kolkata#2026-11-25#06',
      'DAY#Asia/Kolkata#2026-11-25#07',
    ]);
    expect(allDayKeys('UTC', '2026-11-25', 2)).toEqual(['DAY#UTC#2026-11-25#00', 'DAY#UTC#2026-11-25#01']);
  });

  it('contains the key of every shard shardOf can return', () => {
    const keys = new Set(allDayKeys('UTC', '2026-11-25'));
    for (let i = 0; i < 100; i++) expect(keys.has(dayKey('UTC', '2026-11-25', shardOf(`pk-${i}`, TS)))).toBe(true);
  });
});

describe('entryKey', () => {
  it('zero-pads the timestamp to 15 digits, then the pk', () => {
    expect(entryKey(1_795_564_800_000, 'nightly-export#run-42')).toBe('001795564800000#nightly-export#run-42');
  });

  it('sorts lexicographically in time order, whatever the number of digits', () => {
    const times = [1_795_564_800_001, 5, 999_999_999_999, 1_000_000_000_000, 99, 1_795_564_800_000, 10_000_000_000_000, 0];
    const keys = times.map((t) => entryKey(t, 'a'));
    const lexicographic = [...keys].sort();
    const chronological = [...times].sort((a, b) => a - b).map((t) => entryKey(t, 'a'));
    expect(lexicographic).toEqual(chronological);
  });

  it('orders by time before pk', () => {
    const keys = [entryKey(TS + 1, 'aaa'), entryKey(TS, 'zzz')].sort();
    expect(keys).toEqual([entryKey(TS, 'zzz'), entryKey(TS + 1, 'aaa')]);
  });

  it('differs for two pks failing in the same millisecond', () => {
    expect(entryKey(TS, 'job-a#1')).not.toBe(entryKey(TS, 'job-b#1'));
  });

  it('drops a fraction of a millisecond', () => {
    expect(entryKey(TS + 0.9, 'a')).toBe(entryKey(TS, 'a'));
  });

  it("keeps a pk whole up to DynamoDB's 1,024-byte sort key limit, and hashes one longer", () => {
    const fits = 'p'.repeat(1008);
    expect(entryKey(TS, fits)).toBe(`001795594530123#${fits}`);
    expect(Buffer.byteLength(entryKey(TS, fits))).toBe(MAX_SORT_KEY_BYTES);
    const long = 'p'.repeat(1009);
    expect(entryKey(TS, long)).toMatch(/^001795594530123#sha256:[0-9a-f]{64}$/);
    expect(entryKey(TS, long)).toBe(entryKey(TS, long));
    expect(entryKey(TS, `${long}q`)).not.toBe(entryKey(TS, long));
    expect(entryKey(TS + 1, long)).not.toBe(entryKey(TS, long));
  });

  it('counts bytes, not characters', () => {
    // 600 characters, 1,200 bytes in UTF-8.
    expect(entryKey(TS, 'é'.repeat(600))).toMatch(/#sha256:[0-9a-f]{64}$/);
  });
});

describe('key limits', () => {
  it('keep the partition keys of every zone and the unreadable record keys within DynamoDB limits', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    const longest = zones.reduce((a, b) => (b.length > a.length ? b : a));
    expect(longest.length).toBeGreaterThan(20);
    for (const key of [dayKey(longest, '2026-11-25', DAY_SHARDS - 1), unreadableKey(longest, '2026-11-25'), dayStateKey(longest, '2026-11-25').pk]) {
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_PARTITION_KEY_BYTES);
    }
    const item = (id: string) => unreadableItem('UTC', { id, reason: 'r', raw: '{}', receivedMs: TS, day: '2026-11-25' }, 1);
    expect(item('4421584500000000017450439091')['sk']).toBe('4421584500000000017450439091');
    expect(item('x'.repeat(5_000))['sk']).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('other keys', () => {
  it('formats unreadable, coverage, day state and sent marker keys', () => {
    expect(unreadableKey('Europe/Paris', '2026-11-25')).toBe('UNREADABLE#Europe/Paris#2026-11-25');
    expect(coverageKey('Europe/Paris')).toEqual({ pk: 'COVERAGE#Europe/Paris', sk: 'COVERAGE' });
    expect(dayStateKey('Europe/Paris', '2026-11-25')).toEqual({ pk: 'DAYSTATE#Europe/Paris#2026-11-25', sk: 'STATE' });
    expect(sentMarkerKey('Europe/Paris', '2026-11-25')).toEqual({ pk: 'SENT#Europe/Paris#2026-11-25', sk: 'SENT' });
  });
});

describe('upload state keys', () => {
  const T = Date.parse('2026-11-25T23:59:59.250Z');

  it("files one object's requests in one partition, oldest first", () => {
    expect(uploadEventsKey('acme-backup-vault', 'recordings/a%20b.tar')).toBe('S3MPU#acme-backup-vault#recordings/a%20b.tar');
    expect(uploadEventSortKey(T, 'REQ1')).toBe('2026-11-25T23:59:59.250Z#REQ1');
    const keys = [uploadEventSortKey(T + 1, 'AAA'), uploadEventSortKey(T, 'ZZZ')].sort();
    expect(keys).toEqual([uploadEventSortKey(T, 'ZZZ'), uploadEventSortKey(T + 1, 'AAA')]);
  });

  it('hashes an object key too long for a partition key, and keeps two such keys apart', () => {
    const long = 'x%25'.repeat(1000);
    const pk = uploadEventsKey('b-1', long);
    expect(pk).toMatch(/^S3MPU#b-1#sha256:[0-9a-f]{64}$/);
    expect(uploadEventsKey('b-1', `${long}y`)).not.toBe(pk);
  });

  it('bounds a time range so every request id of its first and last millisecond is inside', () => {
    const sk = uploadEventSortKey(T, 'ZZZZZZZZZZZZZZZZ');
    expect(sortKeyFrom(T) <= sk && sk <= sortKeyUntil(T)).toBe(true);
    expect(uploadEventSortKey(T - 1, 'ZZZ') < sortKeyFrom(T)).toBe(true);
    expect(uploadEventSortKey(T + 1, 'AAA') > sortKeyUntil(T)).toBe(true);
  });

  it('files starts by the UTC day they began, and lists every day of a range', () => {
    expect(uploadStartsKey(T)).toBe('S3MPU-START#2026-11-25');
    expect(uploadStartKey({ ts: T, requestId: 'REQ1' })).toEqual({ pk: 'S3MPU-START#2026-11-25', sk: '2026-11-25T23:59:59.250Z#REQ1' });
    expect(uploadStartsKeys(T, T + 1_000)).toEqual(['S3MPU-START#2026-11-25', 'S3MPU-START#2026-11-26']);
    expect(uploadStartsKeys(Date.parse('2026-11-24T00:00:00Z'), Date.parse('2026-11-24T23:59:59.999Z'))).toEqual(['S3MPU-START#2026-11-24']);
  });
});

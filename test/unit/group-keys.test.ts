import { describe, expect, it } from 'vitest';
import { groupSortKey, keyHolds, parseGroupSortKey } from '../../shared/summary/model/day-group-key.ts';
import { templatesOf, withInfo, type DayGroup } from '../../shared/summary/model/day-group.ts';
import { groupInfoFromItem, groupInfoItem, groupInfoSortKey, parseGroupInfoSortKey } from '../../shared/summary/model/group-info.ts';

const SIG = '0123456789abcdef';

describe('groupSortKey and parseGroupSortKey', () => {
  it.each([
    ['etl', 'execution-log'],
    ['etl#stage-2', 'execution-log'],
    ['etl', 's3#access#log'],
    ['a#b#', '#'],
    ['', ''],
    ['12:x#y', '3:ab'],
    ['émoji 🧨', 'src:9'],
  ])('reads back (%j, %j) from its key', (process, source) => {
    const sk = groupSortKey(process, SIG, source);
    expect(parseGroupSortKey(sk)).toEqual({ process, signature: SIG, source });
    expect(keyHolds(parseGroupSortKey(sk), process, SIG, source)).toBe(true);
  });

  it('reads nothing back from a hashed key, whose item carries its identity', () => {
    const sk = groupSortKey('p'.repeat(2000), SIG, 'execution-log');
    expect(sk).toMatch(new RegExp(`^${SIG}#sha256:[0-9a-f]{64}$`));
    expect(parseGroupSortKey(sk)).toBeUndefined();
  });

  it.each(['no-hash-here', `${SIG}#x:abc#p`, `${SIG}#9:abc#p`, `${SIG}#3:abcXp`])('reads nothing back from %j, which no group key is', (sk) => {
    expect(parseGroupSortKey(sk)).toBeUndefined();
  });
});

describe('group info items', () => {
  const info = { process: 'etl#stage-2', signature: SIG, template: 'disk full on <path>', sample: 'disk full on /dev/sda1' };

  it('keys by day, the signature first, and reads the process back from the key', () => {
    const item = groupInfoItem('Europe/Paris', '2026-11-25', info, 99);
    expect(item).toEqual({ pk: 'GINFO#Europe/Paris#2026-11-25', sk: `${SIG}#etl#stage-2`, tpl: info.template, smp: info.sample, expires_at: 99 });
    expect(parseGroupInfoSortKey(groupInfoSortKey(info.process, SIG))).toEqual({ process: info.process, signature: SIG });
    expect(groupInfoFromItem(item)).toEqual(info);
  });

  it.each(['p'.repeat(2000), `sha256:${'0'.repeat(64)}`])('keeps a process the key cannot give back (%#) on the item', (process) => {
    const long = { ...info, process };
    const item = groupInfoItem('UTC', '2026-11-25', long, 99);
    expect(groupInfoFromItem(item)).toEqual(long);
  });
});

describe('withInfo and templatesOf', () => {
  const group: DayGroup = { process: 'etl', signature: SIG, template: '', count: 2, first_ts: 1, last_ts: 2, latest_pk: 'etl#b', sample: '', sources: ['execution-log'], source_counts: { 'execution-log': 2 } };

  it('fills a group from its info, and leaves it as it was without one', () => {
    expect(withInfo(group, { process: 'etl', signature: SIG, template: 't', sample: 's' })).toEqual({ ...group, template: 't', sample: 's' });
    expect(withInfo({ ...group, template: 'older', sample: 'older sample' }, undefined)).toEqual({ ...group, template: 'older', sample: 'older sample' });
  });

  it('takes each signature\'s template from its info, else from an older item', () => {
    const older = { ...group, signature: 'f'.repeat(16), template: 'older' };
    expect(templatesOf([group, older], [{ process: 'etl', signature: SIG, template: 't', sample: '' }])).toEqual(new Map([['f'.repeat(16), 'older'], [SIG, 't']]));
  });
});

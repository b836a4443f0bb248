import { describe, expect, it } from 'vitest';
import { countUnreadable } from '../../shared/digest/unreadable-count.ts';

describe('countUnreadable', () => {
  it('counts a record filed by the consumer and found again in the index once', () => {
    expect(countUnreadable([{ pk: 'ledger#run-1' }], [{ pk: 'ledger#run-1' }])).toBe(1);
  });

  it('counts every filed record, index items nobody filed, and filed records without a pk on their own', () => {
    const filed = [{ pk: 'a' }, { pk: 'a' }, { pk: 'b' }, {}];
    const fromIndex = [{ pk: 'a' }, { pk: 'c' }, { pk: 'd' }];
    expect(countUnreadable(filed, fromIndex)).toBe(4 + 2);
  });

  it('counts the index alone when nothing was filed, and nothing when neither has any', () => {
    expect(countUnreadable([], [{ pk: 'a' }, { pk: 'b' }])).toBe(2);
    expect(countUnreadable([], [])).toBe(0);
  });
});

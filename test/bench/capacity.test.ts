import { describe, expect, it } from 'vitest';
import {
  attributeValueBytes,
  itemBytes,
  numberBytes,
  pagedReadUnits,
  requestReadUnits,
  scanReadUnits,
  significantDigits,
  writeUnits,
} from './capacity.ts';

describe('DynamoDB item sizes by the documented rules', () => {
  it('counts a string as its UTF-8 bytes and a name as its bytes', () => {
    expect(itemBytes({ pk: { S: 'abc' } })).toBe(2 + 3);
    expect(attributeValueBytes({ S: 'é€' })).toBe(2 + 3);
  });

  it('counts a number as one byte per two significant digits, plus one', () => {
    expect(significantDigits('1780000000000')).toBe(3);
    expect(significantDigits('-0.00120')).toBe(2);
    expect(significantDigits('0')).toBe(1);
    expect(numberBytes('1780000000000')).toBe(3);
    expect(numberBytes('1780123456789')).toBe(8);
    expect(itemBytes({ event_ts: { N: '1780123456789' } })).toBe(8 + 8);
  });

  it('counts booleans and nulls as one byte, lists and maps with 3 bytes plus 1 per element', () => {
    expect(attributeValueBytes({ BOOL: true })).toBe(1);
    expect(attributeValueBytes({ NULL: true })).toBe(1);
    expect(attributeValueBytes({ L: [{ S: 'ab' }, { N: '7' }] })).toBe(3 + (1 + 2) + (1 + 2));
    expect(attributeValueBytes({ M: { k: { S: 'v' } } })).toBe(3 + 1 + 1 + 1);
    expect(attributeValueBytes({ SS: ['a', 'bc'] })).toBe(3);
    expect(attributeValueBytes({ B: new Uint8Array(10) })).toBe(10);
  });
});

describe('capacity units', () => {
  it('rounds each read request up to 4 KB and halves eventually consistent reads', () => {
    expect(requestReadUnits(1)).toBe(0.5);
    expect(requestReadUnits(4096)).toBe(0.5);
    expect(requestReadUnits(4097)).toBe(1);
    expect(requestReadUnits(4097, true)).toBe(2);
    // An empty page still costs the minimum.
    expect(requestReadUnits(0)).toBe(0.5);
  });

  it('rounds every page of a paginated read on its own', () => {
    expect(pagedReadUnits([4097, 4097])).toBe(2);
    expect(pagedReadUnits([8194])).toBe(1.5);
    // A 1 MB page: 256 units, half of them eventually consistent.
    expect(pagedReadUnits([1024 * 1024])).toBe(128);
  });

  it('charges a scan for every item it reads, matching or not', () => {
    // 10 items of 1,000 bytes, read in two pages of 5: 5,000 bytes each.
    expect(scanReadUnits(10_000, 10, [5, 5])).toBe(2);
    expect(scanReadUnits(0, 0, [0])).toBe(0.5);
  });

  it('rounds a write up to 1 KB', () => {
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(4096)).toBe(4);
  });
});

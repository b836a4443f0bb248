import { describe, expect, it } from 'vitest';
import { isFailedStatus, STATUS_PADDING } from '../../shared/capture/failed-status.ts';
import { FAILED_WRITES_FILTER, matchesFilter, UnsupportedFilterRuleError, type FilterPattern } from '../../shared/capture/stream-filter.ts';

// The examples of the filter rule syntax table in the Lambda Developer Guide
// ("Control which events Lambda sends to your function"), for the rules the mapping uses.
describe('matchesFilter on the documented examples', () => {
  it.each([
    ['Equals', { Name: ['Alice'] }, { Name: 'Alice' }, true],
    ['Equals is case-sensitive', { Name: ['Alice'] }, { Name: 'alice' }, false],
    ['Equals (ignore case)', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' }, true],
    ['Equals (ignore case), all capitals', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    ['Equals (ignore case) is still whole-value', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Dalice' }, false],
    ['Or', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' }, true],
    ['Or, neither', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Cash' }, false],
    ['And', { Location: ['New York'], Day: ['Monday'] }, { Location: 'New York', Day: 'Monday' }, true],
    ['And, one field differs', { Location: ['New York'], Day: ['Monday'] }, { Location: 'New York', Day: 'Tuesday' }, false],
    ['Begins with', { Region: [{ prefix: 'us-' }] }, { Region: 'us-east-1' }, true],
    ['Begins with is case-sensitive', { Region: [{ prefix: 'us-' }] }, { Region: 'US-EAST-1' }, false],
    ['Begins with, elsewhere in the value', { Region: [{ prefix: 'us-' }] }, { Region: 'eu-us-1' }, false],
    ['Ends with', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['Ends with is case-sensitive', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' }, false],
    ['Null', { UserID: [null] }, { UserID: null }, true],
    ['Empty', { LastName: [''] }, { LastName: '' }, true],
    ['a missing field matches no rule', { Region: [{ prefix: 'us-' }] }, { Other: 'us-east-1' }, false],
    ['the string rules do not match a number', { Price: [{ prefix: '1' }] }, { Price: 100 }, false],
    ['nested, as in a DynamoDB record', { dynamodb: { Keys: { Id: { N: ['101'] } } } }, { dynamodb: { Keys: { Id: { N: '101' } } } }, true],
    ['nested, the field is not an object', { dynamodb: { Keys: { Id: { N: ['101'] } } } }, { dynamodb: { Keys: 'x' } }, false],
  ] as const)('%s', (_label, pattern, value, expected) => {
    expect(matchesFilter(pattern as FilterPattern, value)).toBe(expected);
  });

  it('refuses a rule it does not implement instead of guessing', () => {
    expect(() => matchesFilter({ Price: [{ numeric: ['>', 0] }] } as unknown as FilterPattern, { Price: 1 })).toThrow(UnsupportedFilterRuleError);
    expect(() => matchesFilter({ Name: [{ prefix: 'a', suffix: 'b' }] } as unknown as FilterPattern, { Name: 'ab' })).toThrow(/not one the local/);
  });
});

/** A record as the filter sees it: Lambda's JSON, the new image in DynamoDB JSON. */
const record = (status: unknown, eventName = 'INSERT') => ({ eventName, dynamodb: { NewImage: { pk: { S: 'job#1' }, status } } });

describe('FAILED_WRITES_FILTER', () => {
  it('lets through FAILED in any case, padded or not, on INSERT and MODIFY', () => {
    for (const status of ['FAILED', 'failed', 'Failed', 'FAILED ', ' Failed', ' failed ', '\tFAILED\r\n']) {
      expect(matchesFilter(FAILED_WRITES_FILTER, record({ S: status })), status).toBe(true);
      expect(matchesFilter(FAILED_WRITES_FILTER, record({ S: status }, 'MODIFY')), status).toBe(true);
    }
  });

  it('drops REMOVE records, other statuses and non-string statuses', () => {
    expect(matchesFilter(FAILED_WRITES_FILTER, record({ S: 'FAILED' }, 'REMOVE'))).toBe(false);
    for (const status of ['SUCCESS', 'FAILED_RETRY', 'FAIL', '']) expect(matchesFilter(FAILED_WRITES_FILTER, record({ S: status })), status).toBe(false);
    expect(matchesFilter(FAILED_WRITES_FILTER, record({ N: '1' }))).toBe(false);
    expect(matchesFilter(FAILED_WRITES_FILTER, { eventName: 'INSERT', dynamodb: { NewImage: { pk: { S: 'job#1' } } } })).toBe(false);
  });

  // The classifier decides; the filter must never drop what it would capture.
  it('passes every status the classifier counts as FAILED', () => {
    const casings = Array.from({ length: 64 }, (_, bits) =>
      [...'failed'].map((c, i) => ((bits >> i) & 1 ? c.toUpperCase() : c)).join(''),
    );
    const pads = ['', ...STATUS_PADDING, '  ', '\r\n', ' \t'];
    for (const word of casings) {
      for (const before of pads) {
        for (const after of pads) {
          const status = `${before}${word}${after}`;
          expect(isFailedStatus(status), JSON.stringify(status)).toBe(true);
          expect(matchesFilter(FAILED_WRITES_FILTER, record({ S: status })), JSON.stringify(status)).toBe(true);
        }
      }
    }
  });

  it('only lets through, beyond FAILED in any case, statuses that start or end with padding, which the classifier judges', () => {
    for (const status of [' SUCCESS', 'RUNNING\n', '\tFAILED_RETRY']) {
      expect(matchesFilter(FAILED_WRITES_FILTER, record({ S: status })), status).toBe(true);
      expect(isFailedStatus(status), status).toBe(false);
    }
  });
});

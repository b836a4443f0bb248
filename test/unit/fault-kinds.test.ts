import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, FAULT_RULES, type FaultKind } from '../../infra/local/fault-kinds.ts';
import { isLoopbackHost } from '../../infra/local/loopback.ts';
import { seededRandom, streamSeed } from '../../infra/local/seeded-random.ts';

const targets = { summaryTable: 'summary', executionTable: 'logs', gsiName: 'gsi_status_ts' };
const hits = (command: string, input: Record<string, unknown>) =>
  FAULT_KINDS.filter((kind) => FAULT_RULES[kind].matches(command, input, targets));

describe('which attempts each kind can fail', () => {
  it.each([
    ['PutItemCommand', { TableName: 'summary', Item: {} }, ['summary-write']],
    ['UpdateItemCommand', { TableName: 'summary', Key: {} }, ['summary-write']],
    ['DeleteItemCommand', { TableName: 'summary', Key: {} }, ['summary-write']],
    ['BatchWriteItemCommand', { RequestItems: { logs: [], summary: [] } }, ['summary-write']],
    ['TransactWriteItemsCommand', { TransactItems: [{ Put: { TableName: 'logs' } }, { ConditionCheck: { TableName: 'summary' } }] }, ['summary-write']],
    ['PutItemCommand', { TableName: 'logs', Item: {} }, []],
    ['BatchWriteItemCommand', { RequestItems: { logs: [] } }, []],
    ['TransactWriteItemsCommand', { TransactItems: [{ Update: { TableName: 'logs' } }] }, []],
    ['GetItemCommand', { TableName: 'summary', Key: {} }, []],
    ['QueryCommand', { TableName: 'summary' }, []],
    ['QueryCommand', { TableName: 'logs', IndexName: 'gsi_status_ts' }, ['gsi-read']],
    ['QueryCommand', { TableName: 'logs' }, []],
    ['QueryCommand', { TableName: 'logs', IndexName: 'another_index' }, []],
    ['ScanCommand', { TableName: 'logs', IndexName: 'gsi_status_ts' }, []],
    ['SendEmailCommand', {}, ['ses-throttle', 'ses-timeout', 'crash-after-send']],
    ['GetAccountCommand', {}, []],
  ] as [string, Record<string, unknown>, FaultKind[]][])('%s %j: %j', (command, input, kinds) => {
    expect(hits(command, input)).toEqual(kinds);
  });

  it('throttles act instead of sending; a lost answer and a crash only once the service accepted', () => {
    expect(Object.fromEntries(FAULT_KINDS.map((k) => [k, FAULT_RULES[k].moment]))).toEqual({
      'summary-write': 'instead-of-sending',
      'gsi-read': 'instead-of-sending',
      'ses-throttle': 'instead-of-sending',
      'ses-timeout': 'after-accepted',
      'crash-after-send': 'after-accepted',
    });
  });
});

describe('the seeded sequence', () => {
  const take = (seed: number, n: number) => Array.from({ length: n }, seededRandom(seed));

  it('is the same for the same seed, everywhere: these numbers are what the integration counts rest on', () => {
    expect(take(streamSeed(1, 'summary-write'), 2).map((x) => x.toFixed(3))).toEqual(['0.062', '0.945']);
    expect(take(1, 100)).toEqual(take(1, 100));
  });

  it('stays in [0, 1) and is about uniform', () => {
    const xs = take(7, 10_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.filter((x) => x < 0.2).length / xs.length).toBeCloseTo(0.2, 1);
  });

  it('is another one for each kind, so one kind does not shift the attempts another hits', () => {
    const firsts = FAULT_KINDS.map((kind) => seededRandom(streamSeed(7, kind))());
    expect(new Set(firsts).size).toBe(FAULT_KINDS.length);
    expect(streamSeed(7, 'gsi-read')).not.toBe(streamSeed(8, 'gsi-read'));
  });
});

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]', '::1'])('%s is this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['dynamodb.us-east-1.amazonaws.com', '10.0.0.1', '127.0.0.1.nip.io', 'localhost.example.com', '', undefined])('%j is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/stack/build-app.ts';
import { SUMMARY_KINDS, type SummaryKind } from '../../shared/summary/model/kinds.ts';
import { removeTestApps, testApp } from '../support/cdk-app.ts';
import { stringLike } from '../support/string-like.ts';
import { SAMPLE_PARTITION_KEYS } from '../support/summary-keys.ts';
import { arnOf, asArray, idOf, statementsOf, type Statement, type Synth } from '../support/template.ts';

const CHECK_FROM = Date.parse('2026-01-01T00:00:00Z');
const CONTEXT = { sesFrom: 'reports@example.com', sesTo: 'ops@example.com', reportTz: 'Europe/Paris', reportAt: '08:00', s3AccessLogs: 'true' };

type RoleName = 'streamConsumer' | 'streamRecovery' | 'heartbeat' | 'digest' | 'watchdog' | 's3LogIngester';

/**
 * What each function's code does to the summary table, written out here
 * rather than taken from the stack's own table, so that a grant which loses
 * a kind (the function's writes would be refused) or gains one fails.
 */
const EXPECTED: Record<RoleName, Record<string, SummaryKind[]>> = {
  streamConsumer: {
    'dynamodb:PutItem': ['dayEntry', 'groupInfo', 'unreadable', 'coverage', 'watermark'],
    'dynamodb:UpdateItem': ['dayGroup', 'signature'],
  },
  streamRecovery: {
    'dynamodb:PutItem': ['dayEntry', 'groupInfo', 'unreadable', 'watermark'],
    'dynamodb:UpdateItem': ['dayState', 'dayGroup', 'signature'],
  },
  heartbeat: {
    'dynamodb:GetItem': ['heartbeatSlots'],
    'dynamodb:PutItem': ['heartbeatSlots', 'heartbeatRound'],
  },
  digest: {
    'dynamodb:GetItem': ['coverage', 'dayState', 'sentMarker'],
    'dynamodb:Query': ['dayEntry', 'dayGroup', 'groupInfo', 'unreadable', 'watermark', 'heartbeatRound'],
    'dynamodb:BatchGetItem': ['signature', 'groupInfo', 'dayRollup'],
    'dynamodb:PutItem': ['sentMarker', 'dayRollup'],
    'dynamodb:UpdateItem': ['sentMarker'],
  },
  watchdog: {
    'dynamodb:GetItem': ['sentMarker'],
  },
  s3LogIngester: {
    'dynamodb:Query': ['uploadEvent', 'uploadStart'],
    'dynamodb:BatchWriteItem': ['uploadEvent'],
    'dynamodb:PutItem': ['uploadStart'],
    'dynamodb:UpdateItem': ['uploadStart'],
  },
};
const ROLES = Object.keys(EXPECTED) as RoleName[];
const KINDS = Object.keys(SUMMARY_KINDS) as SummaryKind[];
const WRITES = new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']);

function roleOf(s: Synth, name: RoleName): IConstruct {
  const roles: Record<RoleName, IConstruct> = {
    streamConsumer: s.stack.consumer.function.role,
    streamRecovery: s.stack.recovery.function.role,
    heartbeat: s.stack.heartbeat.function.role,
    digest: s.stack.digest.function.role,
    watchdog: s.stack.watchdog.function.role,
    s3LogIngester: s.stack.s3Logs!.function.role,
  };
  return roles[name];
}

/** A statement's LeadingKeys patterns; it must have that condition and no other. */
function leadingKeysOf(st: Statement): string[] {
  const condition = st.Condition as { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: unknown } } | undefined;
  expect(Object.keys(condition ?? {}), `condition of ${JSON.stringify(st.Action)}`).toEqual(['ForAllValues:StringLike']);
  expect(Object.keys(condition!['ForAllValues:StringLike']!)).toEqual(['dynamodb:LeadingKeys']);
  return asArray(condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys'] as string | string[]);
}

/** The role's actions on the summary table as the template grants them, each with the patterns its keys must match. */
function summaryAccessOf(s: Synth, name: RoleName): Record<string, string[]> {
  const table = JSON.stringify(arnOf(s.stack.summary.table));
  const out: Record<string, string[]> = {};
  for (const st of statementsOf(s, roleOf(s, name))) {
    const resources = asArray(st.Resource).map((r) => JSON.stringify(r));
    if (!resources.some((r) => r.includes(JSON.stringify(idOf(s.stack.summary.table))))) continue;
    expect(st.Effect).toBe('Allow');
    expect(resources, 'the table itself, no index and nothing beside it').toEqual([table]);
    const patterns = leadingKeysOf(st);
    for (const action of asArray(st.Action)) out[action] = [...(out[action] ?? []), ...patterns].sort();
  }
  return out;
}

const patternsOf = (kinds: readonly SummaryKind[]) => kinds.map((k) => `${SUMMARY_KINDS[k]}*`).sort();

afterAll(removeTestApps);

describe('StringLike, as IAM evaluates it', () => {
  it.each([
    ['SENT#*', 'SENT#Europe/Paris#2026-11-25', true],
    ['SENT#*', 'SENT#', true],
    ['SENT#*', 'XSENT#', false],
    ['SENT#*', 'sent#UTC#2026-11-25', false],
    ['WATERMARK*', 'WATERMARK', true],
    ['DAY#*', 'DAYSTATE#UTC#2026-11-25', false],
    ['DAY#??', 'DAY#07', true],
    ['DAY#??', 'DAY#7', false],
    ['S3MPU#a.b', 'S3MPU#axb', false],
    ['a*b', 'a\nb', true],
  ])('%s against %j: %s', (pattern, value, matches) => {
    expect(stringLike(pattern, value)).toBe(matches);
  });
});

describe('summary table access of each function', () => {
  let s: Synth;
  beforeAll(() => {
    const app = testApp(CONTEXT);
    const stack = buildApp(app, { checkFromMs: CHECK_FROM });
    const template = Template.fromStack(stack);
    s = { app, stack, template, resources: template.toJSON().Resources };
  });

  it.each(ROLES)('%s has exactly its actions, each limited to the prefixes of its kinds', (name) => {
    const expected = Object.fromEntries(Object.entries(EXPECTED[name]).map(([action, kinds]) => [action, patternsOf(kinds)]));
    expect(summaryAccessOf(s, name)).toEqual(expected);
  });

  it('the consumer puts, and updates only aggregates (day groups, the signature registry): no BatchWriteItem, no deletes, no reads', () => {
    const access = summaryAccessOf(s, 'streamConsumer');
    expect(Object.keys(access).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(access['dynamodb:UpdateItem']).toEqual(patternsOf(['dayGroup', 'signature']));
  });

  it('the digest writes only its send ledger and its day rollups, and deletes nothing', () => {
    const access = summaryAccessOf(s, 'digest');
    const writes = Object.entries(access).filter(([action]) => WRITES.has(action));
    expect(writes.map(([action, patterns]) => [action, [...patterns].sort()])).toEqual([
      ['dynamodb:PutItem', [`${SUMMARY_KINDS.dayRollup}*`, `${SUMMARY_KINDS.sentMarker}*`].sort()],
      ['dynamodb:UpdateItem', [`${SUMMARY_KINDS.sentMarker}*`]],
    ]);
  });

  describe.each(ROLES)('the keys %s may touch', (name) => {
    it.each(Object.keys(EXPECTED[name]))('%s: every key of its kinds matches, no key of another kind does', (action) => {
      const patterns = summaryAccessOf(s, name)[action] ?? [];
      const allowed = (key: string) => patterns.some((p) => stringLike(p, key));
      const own = new Set(EXPECTED[name][action]);
      for (const kind of KINDS) {
        for (const key of SAMPLE_PARTITION_KEYS[kind]) {
          expect(allowed(key), `${action} on ${kind} key ${key.slice(0, 60)}`).toBe(own.has(kind));
        }
      }
    });
  });
});

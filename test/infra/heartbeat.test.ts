import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_EVERY_MINUTES } from '../../shared/capture/heartbeat.ts';
import { loadHeartbeatConfig } from '../../shared/settings/components.ts';
import { buildApp } from '../../infra/stack/build-app.ts';
import { removeTestApps, testApp } from '../support/cdk-app.ts';
import { arnOf, bundleOf, envOf, grants, idOf, ref, resolvedEnv, statementsOf, type Synth } from '../support/template.ts';

const CHECK_FROM = Date.parse('2026-01-01T00:00:00Z');
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/2026-01-01T00:00:00.000';
const BASE = { sesFrom: 'reports@example.com', sesTo: 'ops@example.com', reportTz: 'Europe/Paris', retentionDays: '120' };

function synth(context: Record<string, unknown>): Synth {
  const app = testApp({ ...BASE, ...context });
  const stack = buildApp(app, { checkFromMs: CHECK_FROM });
  const template = Template.fromStack(stack);
  return { app, stack, template, resources: template.toJSON().Resources };
}

describe.each([
  ['with a new execution-log table', {}],
  ['attached to an existing stream', { tableName: 'existing-logs', tableStreamArn: STREAM_ARN }],
])('the heartbeat, %s', (_form, context) => {
  let s: Synth;
  beforeAll(() => {
    s = synth(context);
  });
  afterAll(removeTestApps);

  it(`runs every ${HEARTBEAT_EVERY_MINUTES} minutes, with retries and a dead-letter queue`, () => {
    expect(s.resources[idOf(s.stack.heartbeat.schedule)]!.Properties).toMatchObject({
      ScheduleExpression: `rate(${HEARTBEAT_EVERY_MINUTES} minutes)`,
      Target: {
        Arn: arnOf(s.stack.heartbeat.fn),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: HEARTBEAT_EVERY_MINUTES * 60 },
        DeadLetterConfig: { Arn: arnOf(s.stack.heartbeat.deadLetterQueue.queue) },
      },
    });
  });

  it('may write only heartbeat items into the execution-log table, read only its stream, and keep its evidence', () => {
    const statements = statementsOf(s, s.stack.heartbeat.function.role);
    const tableArn = s.stack.resolve(s.stack.executionLog.tableArn);
    const streamArn = s.stack.resolve(s.stack.executionLog.streamArn);
    const summaryArn = arnOf(s.stack.summary.table);
    expect(Object.fromEntries(grants(statements))).toEqual({
      'logs:CreateLogStream': [arnOf(s.stack.heartbeat.function.logGroup)],
      'logs:PutLogEvents': [arnOf(s.stack.heartbeat.function.logGroup)],
      'dynamodb:PutItem': [tableArn, summaryArn],
      'dynamodb:BatchWriteItem': [tableArn],
      'dynamodb:DescribeStream': [streamArn],
      'dynamodb:GetShardIterator': [streamArn],
      'dynamodb:GetRecords': [streamArn],
      'dynamodb:GetItem': [summaryArn],
    });
    const onTable = statements.find((st) => JSON.stringify(st.Resource) === JSON.stringify(tableArn));
    expect(onTable?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['failure-digest#heartbeat#*'] } });
  });

  it('gets an environment its own reader reads back, naming the table and its stream', () => {
    // A created table's stream ARN is a token until deployment: stand in a real one.
    const config = loadHeartbeatConfig({ ...resolvedEnv(envOf(s, s.stack.heartbeat.fn)), DDB_STREAM_ARN: STREAM_ARN });
    expect(config.retentionDays).toBe(120);
    const env = envOf(s, s.stack.heartbeat.fn);
    expect(env['DDB_STREAM_ARN']).toEqual(s.stack.resolve(s.stack.executionLog.streamArn));
    expect(env['SUMMARY_TABLE']).toEqual(ref(s.stack.summary.table));
  });

  it('bundles a handler that loads on Node with that environment', () => {
    const fn = s.stack.heartbeat.fn;
    const env = { ...resolvedEnv(envOf(s, fn)), DDB_STREAM_ARN: STREAM_ARN };
    const entry = pathToFileURL(path.join(bundleOf(s, fn).dir, 'index.mjs')).href;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`], {
      encoding: 'utf8',
      env: { ...process.env, ...env, AWS_REGION: 'eu-west-1' },
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.stdout.trim()).toBe('function');
  });
});

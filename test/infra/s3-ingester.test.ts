import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadS3LogConfig } from '../../shared/settings/components.ts';
import { SWEEP_SOURCE } from '../../shared/s3logs/sweep.ts';
import { buildApp } from '../../infra/stack/build-app.ts';
import { readStackConfig, StackConfigError } from '../../infra/stack/config.ts';
import type { FailureDigestStack } from '../../infra/stack/failure-digest-stack.ts';
import type { S3LogIngester } from '../../infra/stack/s3-log-ingester.ts';
import { removeTestApps, testApp } from '../support/cdk-app.ts';

const CHECK_FROM = Date.parse('2026-01-01T00:00:00Z');

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/2026-01-01T00:00:00.000';
const BASE = { sesFrom: 'reports@example.com', sesTo: 'ops@example.com', reportTz: 'Europe/Paris', reportAt: '08:00' };

interface Synth {
  readonly app: App;
  readonly stack: FailureDigestStack;
  readonly s3: S3LogIngester;
  readonly template: Template;
  readonly resources: Record<string, { Type: string; Properties: Record<string, any>; [k: string]: any }>;
}

function synth(context: Record<string, unknown>): Synth {
  const app = testApp({ ...BASE, ...context });
  const stack = buildApp(app, { checkFromMs: CHECK_FROM });
  const template = Template.fromStack(stack);
  return { app, stack, s3: stack.s3Logs!, template, resources: template.toJSON().Resources };
}

const idOf = (c: IConstruct): string => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
const ref = (c: IConstruct) => ({ Ref: idOf(c) });
const arnOf = (c: IConstruct, attr = 'Arn') => ({ 'Fn::GetAtt': [idOf(c), attr] });
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

function grantsOf(s: Synth, role: IConstruct): Map<string, unknown[]> {
  const roleId = idOf(role);
  const out = new Map<string, unknown[]>();
  for (const r of Object.values(s.resources)) {
    if (r.Type !== 'AWS::IAM::Policy' || !asArray(r.Properties['Roles']).some((x: any) => x.Ref === roleId)) continue;
    for (const st of r.Properties['PolicyDocument'].Statement) {
      for (const action of asArray(st.Action as string)) out.set(action, [...(out.get(action) ?? []), ...asArray(st.Resource)]);
    }
  }
  return out;
}

function envOf(s: Synth): Record<string, unknown> {
  return s.resources[idOf(s.s3.fn)]!.Properties['Environment'].Variables;
}

function acknowledgements(s: Synth): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of s.stack.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        (out[`${c.node.path} ${id.replace(/^annotation::/i, '')}`] ??= []).push(reason);
      }
    }
  }
  return out;
}

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    readStackConfig((key) => ({ ...BASE, ...context })[key]);
  } catch (e) {
    if (e instanceof StackConfigError) return e.problems;
    throw e;
  }
  return [];
}

// The apps' output folders (templates, assets, bundles) go when the file is done.
afterAll(removeTestApps);

describe('S3 access log ingester with a log bucket of its own', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ s3AccessLogs: 'true', retentionDays: '120' });
  });

  it('is off unless asked for', () => {
    const app = testApp({ ...BASE, 'aws:cdk:bundling-stacks': [] });
    const stack = buildApp(app, { checkFromMs: CHECK_FROM });
    expect(stack.s3Logs).toBeUndefined();
    // The report archive is the only bucket.
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });

  it('creates an encrypted, private, TLS-only log bucket that only S3 logging of this account may write to, and keeps it', () => {
    // The log bucket, beside the report archive.
    s.template.resourceCountIs('AWS::S3::Bucket', 2);
    s.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(s.s3.bucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'S3ServerAccessLogsPolicy',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('fires the ingester on every object created in the log bucket', () => {
    s.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: ref(s.s3.bucket),
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{ Events: ['s3:ObjectCreated:*'], LambdaFunctionArn: arnOf(s.s3.fn) }],
      },
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(s.s3.fn),
      Principal: 's3.amazonaws.com',
      SourceArn: arnOf(s.s3.bucket),
    });
  });

  it('may read only log objects, write only to the two tables, and nothing else', () => {
    const g = grantsOf(s, s.s3.function.role);
    const objects = { 'Fn::Join': ['', [arnOf(s.s3.bucket), '/*']] };
    expect(g.get('s3:GetObject')).toEqual([objects]);
    const executionLog = arnOf(s.stack.executionLog.table);
    const summary = arnOf(s.stack.summary.table);
    expect(new Set(g.get('dynamodb:PutItem'))).toEqual(new Set([executionLog, summary]));
    expect(new Set(g.get('dynamodb:BatchWriteItem'))).toEqual(new Set([executionLog, summary]));
    expect(g.get('dynamodb:UpdateItem')).toEqual([summary]);
    expect(g.get('dynamodb:Query')).toEqual([summary]);
    expect([...g.keys()].filter((a) => !/^(logs|sqs):/.test(a)).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      's3:GetObject',
    ]);
  });

  it('passes the settings its own config reader accepts at cold start', () => {
    const env = envOf(s);
    expect(env).toMatchObject({
      DDB_TABLE: ref(s.stack.executionLog.table),
      SUMMARY_TABLE: ref(s.stack.summary.table),
      SUMMARY_RETENTION_DAYS: '120',
      S3LOG_BUCKETS: '',
      S3LOG_PREFIXES: '',
      S3LOG_OPERATIONS: 'writes',
      S3LOG_GRACE_HOURS: '6',
    });
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k.toLowerCase()}`]));
    expect(loadS3LogConfig(resolved).rules.graceMs).toBe(6 * 3_600_000);
  });

  it('bundles a handler that loads on Node with that environment', () => {
    const key = s.resources[idOf(s.s3.fn)]!.Properties['Code'].S3Key as string;
    const entry = pathToFileURL(path.join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs')).href;
    const env = Object.fromEntries(Object.entries(envOf(s)).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k.toLowerCase()}`]));
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`], {
      encoding: 'utf8',
      env: { ...process.env, ...env, AWS_REGION: 'eu-west-1' },
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.stdout.trim()).toBe('function');
  });

  it('retries a failed log object twice, then parks it in its own queue; sweeps every hour', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(s.s3.fn),
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arnOf(s.s3.deadLetterQueue.queue) } },
    });
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: {
        Arn: arnOf(s.s3.fn),
        RoleArn: arnOf(s.s3.sweepRole),
        Input: JSON.stringify({ source: SWEEP_SOURCE }),
        DeadLetterConfig: { Arn: arnOf(s.s3.deadLetterQueue.queue) },
      },
    });
  });

  it('alarms on its errors and its queue like the other functions', () => {
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: ref(s.s3.fn) }] });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: arnOf(s.s3.deadLetterQueue.queue, 'QueueName') }],
    });
  });

  it('passes cdk-nag, acknowledging each finding with a reason', () => {
    const report = new AwsSolutionsChecks().validateScope(s.stack);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const ours = Object.entries(acknowledgements(s)).filter(([k]) => /S3LogIngester|BucketNotificationsHandler/.test(k));
    expect(ours.map(([k]) => k.replace(/<[^>]+>/g, '<id>')).sort()).toEqual(
      [
        'FailureDigest/BucketNotificationsHandler050a0587b7544547bf325f094a3db834 AwsSolutions-IAM4[Policy::arn:<id>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'FailureDigest/S3LogIngester/DeadLetters/Queue AwsSolutions-SQS3',
        'FailureDigest/S3LogIngester/Handler/Role AwsSolutions-IAM5[Resource::<id>/*]',
        'FailureDigest/S3LogIngester/LogBucket AwsSolutions-S1',
        'FailureDigest/S3LogIngester/SweepRole AwsSolutions-IAM5[Resource::<id>:*]',
      ].sort(),
    );
    for (const [, reasons] of ours) for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });

  it('names the log bucket in the outputs', () => {
    s.template.hasOutput('AccessLogBucketName', { Value: ref(s.s3.bucket) });
  });
});

describe('S3 access log ingester on the user\'s log bucket', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({
      accessLogBucket: 'acme-access-logs',
      accessLogPrefix: 'backups/',
      s3LogBuckets: 'acme-backup-vault',
      s3LogPrefixes: 'recordings/',
      s3LogGraceHours: '4',
      tableName: 'existing-logs',
      tableStreamArn: STREAM_ARN,
    });
  });

  it('creates no bucket and reads only below the log prefix', () => {
    // The report archive only.
    s.template.resourceCountIs('AWS::S3::Bucket', 1);
    expect(grantsOf(s, s.s3.function.role).get('s3:GetObject')).toEqual(['arn:aws:s3:::acme-access-logs/backups/*']);
    s.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: 'acme-access-logs',
      Managed: false,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'backups/' }] } }, LambdaFunctionArn: arnOf(s.s3.fn) },
        ],
      },
    });
  });

  it('writes into the attached execution-log table and passes the rules', () => {
    expect(grantsOf(s, s.s3.function.role).get('dynamodb:PutItem')).toContain('arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs');
    expect(envOf(s)).toMatchObject({
      DDB_TABLE: 'existing-logs',
      S3LOG_BUCKETS: 'acme-backup-vault',
      S3LOG_PREFIXES: 'recordings/',
      S3LOG_OPERATIONS: 'writes',
      S3LOG_GRACE_HOURS: '4',
    });
  });

  it('passes cdk-nag', () => {
    const report = new AwsSolutionsChecks().validateScope(s.stack);
    expect(report.violations).toEqual([]);
  });
});

describe('S3 access log context', () => {
  it('reads the defaults and every key', () => {
    expect(readStackConfig((k) => ({ ...BASE, s3AccessLogs: true })[k]).s3AccessLogs).toEqual({
      logPrefix: '',
      buckets: [],
      prefixes: [],
      operations: ['writes'],
      graceHours: 6,
    });
    const read = readStackConfig(
      (k) =>
        ({
          ...BASE,
          accessLogBucket: 'acme-access-logs',
          accessLogPrefix: 'logs/',
          s3LogBuckets: 'a-bucket,b-bucket',
          s3LogPrefixes: 'x/,y/',
          s3LogOperations: 'REST.PUT.*,REST.POST.UPLOADS,REST.POST.UPLOAD',
          s3LogGraceHours: '5.5',
        })[k],
    );
    expect(read.s3AccessLogs).toEqual({
      existingBucketName: 'acme-access-logs',
      logPrefix: 'logs/',
      buckets: ['a-bucket', 'b-bucket'],
      prefixes: ['x/', 'y/'],
      operations: ['REST.PUT.*', 'REST.POST.UPLOADS', 'REST.POST.UPLOAD'],
      graceHours: 5.5,
    });
  });

  it('refuses a grace period that would leave uploads started late in a day out of that day\'s digest', () => {
    const problems = problemsOf({ s3AccessLogs: 'true', reportAt: '07:30' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/s3LogGraceHours=6 is too long for reportAt=07:30: .* use s3LogGraceHours=5\.5 or less, or a later reportAt/);
    expect(problemsOf({ s3AccessLogs: 'true', reportAt: '07:30', s3LogGraceHours: '5.5' })).toEqual([]);
    expect(problemsOf({ s3AccessLogs: 'true', reportAt: '01:40', s3LogGraceHours: '1' })[0]).toMatch(/choose a later reportAt/);
  });

  it('lists every problem with the S3 keys at once', () => {
    const problems = problemsOf({
      accessLogBucket: 'Not_A_Bucket',
      s3LogBuckets: 'UPPER',
      s3LogOperations: 'get everything',
      s3LogGraceHours: 'soon',
    });
    expect(problems.join('\n')).toMatch(/accessLogBucket="Not_A_Bucket" is not an S3 bucket name/);
    expect(problems.join('\n')).toMatch(/s3LogBuckets="UPPER" is not an S3 bucket name/);
    expect(problems.join('\n')).toMatch(/s3LogOperations="get everything" is not an operation name/);
    expect(problems.join('\n')).toMatch(/s3LogGraceHours="soon" must be a number of hours/);
  });

  it('refuses S3 settings without the S3 source, and a bucket with the source switched off', () => {
    expect(problemsOf({ s3LogGraceHours: '4' })).toEqual([
      's3LogGraceHours needs the S3 access log source: add -c s3AccessLogs=true or -c accessLogBucket=NAME',
    ]);
    expect(problemsOf({ s3AccessLogs: 'false', accessLogBucket: 'acme-access-logs' })).toEqual([
      'accessLogBucket is given but s3AccessLogs=false; drop one of them',
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_FILTER } from '../../shared/capture/heartbeat.ts';
import { FAILED_WRITES_FILTER } from '../../shared/capture/stream-filter.ts';
import { loadCaptureConfig, loadDigestConfig, loadWatchdogConfig } from '../../shared/settings/components.ts';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import { SUMMARY_TABLE } from '../../shared/summary/model/table.ts';
import { EXECUTION_LOG_TABLE } from '../../shared/tables.ts';
import { buildApp } from '../../infra/stack/build-app.ts';
import { allStatements, arnOf, asArray, bundleOf, envOf, grants, idOf, ref, resolvedEnv, statementsOf, type Statement, type Synth } from '../support/template.ts';
import { readStackConfig } from '../../infra/stack/config.ts';
import type { FailureDigestStack } from '../../infra/stack/failure-digest-stack.ts';
import { REQUIRE_SHIM } from '../../infra/stack/node-function.ts';
import { removeTestApps, testApp } from '../support/cdk-app.ts';

// The schedule's skipped-time check looks ahead from here, so the test does not depend on today.
const CHECK_FROM = Date.parse('2026-01-01T00:00:00Z');

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/2026-01-01T00:00:00.000';
const BASE_CONTEXT = {
  reportTz: 'Europe/Paris',
  reportAt: '07:30',
  sesFrom: 'Failure digest <reports@example.com>',
  sesTo: 'ops@example.com,oncall@example.org',
  alarmEmail: 'alarms@example.com',
  adminTo: 'admin@example.com,alarms@example.com',
  retentionDays: '120',
  logRetentionDays: '14',
};

/** One synthesis per form, with the same feature flags `cdk synth` reads from cdk.json. */
function synth(context: Record<string, unknown>): Synth {
  const app = testApp(context);
  const stack = buildApp(app, { checkFromMs: CHECK_FROM });
  const template = Template.fromStack(stack);
  return { app, stack, template, resources: template.toJSON().Resources };
}

function expectLeastPrivilegeEverywhere(s: Synth): void {
  for (const st of allStatements(s)) {
    for (const action of asArray(st.Action)) expect(action, 'no wildcard actions').not.toContain('*');
    if (asArray(st.Resource).includes('*')) {
      // GetAccount names no resource, and reads only the account's own sending state.
      expect(asArray(st.Action).filter((a) => a !== 'ses:GetAccount')).not.toContainEqual(expect.stringMatching(/^(dynamodb|ses):/));
    }
  }
}

function expectNoNagFindings(s: Synth): void {
  const report = new AwsSolutionsChecks().validateScope(s.stack);
  expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  expect(report.success).toBe(true);
}

/** Every acknowledged finding in the tree, with its reason. */
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

// The apps' output folders (templates, assets, bundles) go when the file is done.
afterAll(removeTestApps);

describe('stack with a new execution-log table', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth(BASE_CONTEXT);
  });

  describe('1. offline bundling', () => {
    it('bundles every handler locally into minified ESM with source maps and a require shim', () => {
      for (const fn of [s.stack.consumer.fn, s.stack.recovery.fn, s.stack.digest.fn, s.stack.watchdog.fn]) {
        const { dir, code } = bundleOf(s, fn);
        expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
        // Booleans, so a failure does not print half a megabyte of bundle.
        expect(code.startsWith(`${REQUIRE_SHIM}\n`), 'starts with the createRequire banner').toBe(true);
        expect(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/.test(code), 'ESM export of handler').toBe(true);
        expect(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/.test(code), 'linked source map').toBe(true);
        // Minified: a few hundred kilobytes on a few dozen lines.
        expect(code.split('\n').length).toBeLessThan(200);
        expect(code.length / code.split('\n').length).toBeGreaterThan(2000);
      }
    });

    it('loads on Node with the environment the template gives it, reaching the exported handler', () => {
      for (const fn of [s.stack.consumer.fn, s.stack.recovery.fn, s.stack.digest.fn, s.stack.watchdog.fn]) {
        const entry = pathToFileURL(path.join(bundleOf(s, fn).dir, 'index.mjs')).href;
        const run = spawnSync(
          process.execPath,
          ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`],
          { encoding: 'utf8', env: { ...process.env, ...resolvedEnv(envOf(s, fn)), AWS_REGION: 'eu-west-1' } },
        );
        expect(run.stderr).not.toMatch(/Error/);
        expect(run.stdout.trim()).toBe('function');
      }
    });

    it('bundles the AWS SDK the lockfile pins instead of relying on the runtime copy', () => {
      for (const fn of [s.stack.consumer.fn, s.stack.recovery.fn, s.stack.digest.fn, s.stack.watchdog.fn]) {
        expect(/from\s*"@aws-sdk\//.test(bundleOf(s, fn).code), 'imports @aws-sdk at run time').toBe(false);
      }
    });
  });

  describe('2. execution-log table', () => {
    it('is created from the shared definition', () => {
      const t = EXECUTION_LOG_TABLE;
      s.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [{ AttributeName: t.partitionKey, KeyType: 'HASH' }],
          AttributeDefinitions: Match.arrayWith([
            { AttributeName: t.partitionKey, AttributeType: 'S' },
            { AttributeName: t.gsi.partitionKey, AttributeType: 'S' },
            { AttributeName: t.gsi.sortKey, AttributeType: 'N' },
          ]),
          BillingMode: 'PAY_PER_REQUEST',
          StreamSpecification: { StreamViewType: t.streamViewType },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          GlobalSecondaryIndexes: [
            {
              IndexName: t.gsi.defaultName,
              KeySchema: [
                { AttributeName: t.gsi.partitionKey, KeyType: 'HASH' },
                { AttributeName: t.gsi.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        },
      });
    });

    it('creates exactly two tables: the execution log and the summary', () => {
      s.template.resourceCountIs('AWS::DynamoDB::Table', 2);
    });
  });

  describe('3. summary table', () => {
    it('is on demand, with TTL on expires_at, point-in-time recovery, and retained on stack deletion', () => {
      s.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: SUMMARY_TABLE.partitionKey, KeyType: 'HASH' },
            { AttributeName: SUMMARY_TABLE.sortKey, KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          TimeToLiveSpecification: { AttributeName: SUMMARY_TABLE.ttlAttribute, Enabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      });
    });

    it('passes the retention days to both writers of the summary', () => {
      expect(envOf(s, s.stack.consumer.fn)['SUMMARY_RETENTION_DAYS']).toBe('120');
      expect(envOf(s, s.stack.digest.fn)['SUMMARY_RETENTION_DAYS']).toBe('120');
    });
  });

  describe('4. stream consumer mapping', () => {
    // Its settings are STREAM_MAPPING's: test/infra/stream-mapping.test.ts.
    it('feeds the table\'s stream to the consumer and what it gives up on to the recovery\'s queue', () => {
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(s.stack.executionLog.table, 'StreamArn'),
        FunctionName: ref(s.stack.consumer.fn),
        DestinationConfig: { OnFailure: { Destination: arnOf(s.stack.recovery.queue) } },
      });
    });

    it('filters to INSERT and MODIFY records whose new status is FAILED in any case or padded, and heartbeats, with the shared patterns', () => {
      const mapping = Object.values(s.resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties['FilterCriteria'])!;
      const patterns = mapping.Properties['FilterCriteria'].Filters.map((f: { Pattern: string }) => f.Pattern);
      const padded = (op: string) => ['" "', '"\\t"', '"\\n"', '"\\r"'].map((c) => `{"${op}":${c}}`).join(',');
      expect(patterns).toEqual([
        `{"eventName":["INSERT","MODIFY"],"dynamodb":{"NewImage":{"status":{"S":[{"equals-ignore-case":"FAILED"},${padded('prefix')},${padded('suffix')}]}}}}`,
        '{"eventName":["INSERT","MODIFY"],"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"failure-digest#heartbeat#"}]}}}}',
      ]);
      expect(patterns.map((p: string) => JSON.parse(p))).toEqual([FAILED_WRITES_FILTER, HEARTBEAT_FILTER]);
      // CreateEventSourceMapping takes patterns of up to 4,096 characters.
      for (const p of patterns) expect(p.length).toBeLessThanOrEqual(4096);
    });

    it('sends failures to an encrypted queue that refuses plain-text access', () => {
      const queueId = idOf(s.stack.recovery.queue);
      expect(s.resources[queueId]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('5. digest schedule', () => {
    it('fires the digest daily at REPORT_AT in the IANA zone, with a retry policy and a dead-letter queue', () => {
      s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 7 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: arnOf(s.stack.digest.fn),
          RoleArn: arnOf(s.stack.digest.schedule.role),
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 6 * 3600 },
          DeadLetterConfig: { Arn: arnOf(s.stack.digest.deadLetterQueue.queue) },
        },
      });
    });

    it('sends the payload the digest handler reads, filled in by Scheduler', () => {
      const schedule = s.resources[idOf(s.stack.digest.schedule.schedule)]!;
      expect(JSON.parse(schedule.Properties['Target'].Input)).toEqual({
        source: 'failure-digest.schedule',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        executionId: '<aws.scheduler.execution-id>',
        attempt: '<aws.scheduler.attempt-number>',
      });
    });

    it('sends digest runs that still fail after Lambda retries to the same queue', () => {
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(s.stack.digest.fn),
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: arnOf(s.stack.digest.deadLetterQueue.queue) } },
      });
    });

    it('lets the schedule role invoke only the digest and write only to its queue, for this account', () => {
      const fnArn = arnOf(s.stack.digest.fn);
      expect(Object.fromEntries(grants(statementsOf(s, s.stack.digest.schedule.role)))).toEqual({
        'lambda:InvokeFunction': [fnArn, { 'Fn::Join': ['', [fnArn, ':*']] }],
        'sqs:SendMessage': [arnOf(s.stack.digest.deadLetterQueue.queue)],
      });
      s.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      });
    });

    it('warns at synth when REPORT_AT falls in a skipped spring-forward hour', () => {
      const warnings = (ctx: Record<string, unknown>) => {
        const app = testApp({ ...ctx, 'aws:cdk:bundling-stacks': [] });
        const stack = buildApp(app, { checkFromMs: CHECK_FROM });
        return stack.node
          .findAll()
          .flatMap((c) => c.node.metadata)
          .filter((m) => m.type === 'aws:cdk:warning')
          .map((m) => String(m.data));
      };
      expect(warnings({ ...BASE_CONTEXT, reportAt: '02:30' }).join('\n')).toMatch(
        /reportAt=02:30 does not exist in Europe\/Paris on 2026-03-29/,
      );
      expect(warnings(BASE_CONTEXT).join('\n')).not.toMatch(/does not exist/);
    });
  });

  describe('6. least privilege', () => {
    it('lets the consumer read the stream, put its items and update its aggregates in the summary table (test/infra/iam.test.ts), and nothing else', () => {
      const table = s.stack.executionLog.table;
      const summary = arnOf(s.stack.summary.table);
      expect(Object.fromEntries(grants(statementsOf(s, s.stack.consumer.function.role)))).toEqual({
        'logs:CreateLogStream': [arnOf(s.stack.consumer.function.logGroup)],
        'logs:PutLogEvents': [arnOf(s.stack.consumer.function.logGroup)],
        'dynamodb:DescribeStream': [arnOf(table, 'StreamArn')],
        'dynamodb:GetRecords': [arnOf(table, 'StreamArn')],
        'dynamodb:GetShardIterator': [arnOf(table, 'StreamArn')],
        'dynamodb:ListStreams': [{ 'Fn::Join': ['', [arnOf(table), '/stream/*']] }],
        'dynamodb:PutItem': [summary],
        'dynamodb:UpdateItem': [summary],
        'sqs:SendMessage': [arnOf(s.stack.recovery.queue)],
        'sqs:GetQueueAttributes': [arnOf(s.stack.recovery.queue)],
        'sqs:GetQueueUrl': [arnOf(s.stack.recovery.queue)],
      });
    });

    it('lets the digest read the summary and the index, keep its send ledger, and mail only as SES_FROM', () => {
      const summary = arnOf(s.stack.summary.table);
      const gsi = { 'Fn::Join': ['', [arnOf(s.stack.executionLog.table), `/index/${EXECUTION_LOG_TABLE.gsi.defaultName}`]] };
      const identity = (name: string) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:identity/${name}`]],
      });
      const statements = statementsOf(s, s.stack.digest.function.role);
      const g = grants(statements);
      expect(new Set(g.get('dynamodb:Query'))).toEqual(new Set([summary, gsi]));
      for (const read of ['dynamodb:GetItem', 'dynamodb:BatchGetItem']) expect(g.get(read)).toEqual([summary]);
      for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(g.get(write)).toEqual([summary]);
      expect(new Set(g.get('ses:SendEmail'))).toEqual(new Set([identity('reports@example.com'), identity('example.com')]));
      // It keeps an unsent report under reports/ only, and tells the administrators on the alarm topic only.
      const kept = { 'Fn::Join': ['', [arnOf(s.stack.reportArchive.bucket), '/reports/*']] };
      for (const action of ['s3:PutObject', 's3:GetObject']) expect(g.get(action)).toEqual([kept]);
      expect(g.get('sns:Publish')).toEqual([ref(s.stack.alarms.topic)]);
      expect([...g.keys()].filter((a) => !/^(logs|sqs):/.test(a)).sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        's3:GetObject',
        's3:PutObject',
        'ses:GetAccount',
        'ses:GetEmailIdentity',
        'ses:SendEmail',
        'sns:Publish',
      ]);
      // The sender checks read the identities of the sender and of each recipient, and the account.
      expect(new Set(g.get('ses:GetEmailIdentity'))).toEqual(
        new Set(['reports@example.com', 'example.com', 'ops@example.com', 'oncall@example.org', 'example.org'].map(identity)),
      );
      expect(g.get('ses:GetAccount')).toEqual(['*']);
      const ses = statements.find((st) => asArray(st.Action).includes('ses:SendEmail'))!;
      expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'reports@example.com' } });
    });

    it('has no wildcard action anywhere and no DynamoDB or SES grant on every resource', () => {
      expectLeastPrivilegeEverywhere(s);
    });

    it('uses its own function roles instead of the broad basic-execution managed policy', () => {
      for (const r of Object.values(s.resources).filter((x) => x.Type === 'AWS::IAM::Role')) {
        expect(r.Properties['ManagedPolicyArns']).toBeUndefined();
      }
    });
  });

  describe('7. operations', () => {
    it('names the Powertools service and passes the configuration each handler reads', () => {
      expect(envOf(s, s.stack.consumer.fn)).toEqual({
        SUMMARY_TABLE: ref(s.stack.summary.table),
        REPORT_TZ: 'Europe/Paris',
        SUMMARY_RETENTION_DAYS: '120',
        POWERTOOLS_SERVICE_NAME: 'failure-digest',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(envOf(s, s.stack.digest.fn)).toEqual({
        DDB_TABLE: ref(s.stack.executionLog.table),
        GSI_NAME: EXECUTION_LOG_TABLE.gsi.defaultName,
        SUMMARY_TABLE: ref(s.stack.summary.table),
        SES_FROM: 'Failure digest <reports@example.com>',
        SES_TO: 'ops@example.com,oncall@example.org',
        REPORT_TZ: 'Europe/Paris',
        REPORT_AT: '07:30',
        SEND_EMPTY: 'true',
        SUMMARY_RETENTION_DAYS: '120',
        ON_FAILURE_QUEUE_URLS: { 'Fn::Join': ['', [ref(s.stack.recovery.queue), ',', ref(s.stack.recovery.deadLetterQueue.queue)]] },
        ADMIN_TOPIC_ARN: ref(s.stack.alarms.topic),
        REPORT_ARCHIVE: { 'Fn::Join': ['', ['s3://', ref(s.stack.reportArchive.bucket), '/reports/']] },
        POWERTOOLS_SERVICE_NAME: 'failure-digest',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(envOf(s, s.stack.watchdog.fn)).toEqual({
        SUMMARY_TABLE: ref(s.stack.summary.table),
        REPORT_TZ: 'Europe/Paris',
        REPORT_AT: '07:30',
        WATCHDOG_MARGIN_MINUTES: '60',
        ADMIN_TOPIC_ARN: ref(s.stack.alarms.topic),
        POWERTOOLS_SERVICE_NAME: 'failure-digest',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('gives each handler an environment its own reader reads back as the stack context said', () => {
      const c = readStackConfig((key) => s.app.node.tryGetContext(key));
      const capture = loadCaptureConfig(resolvedEnv(envOf(s, s.stack.consumer.fn)));
      expect(capture).toEqual({ summaryTable: 'resolved-summary_table', reportTz: c.reportTz, retentionDays: c.retentionDays });
      const digest = loadDigestConfig(resolvedEnv(envOf(s, s.stack.digest.fn)));
      expect(digest).toEqual({
        ...capture,
        executionTable: 'resolved-ddb_table',
        gsiName: c.gsiName,
        sesFrom: c.sesFrom,
        sesTo: c.sesTo,
        reportAt: c.reportAt,
        sendEmpty: c.sendEmpty,
        captureWaitSeconds: 180,
        sendTimeoutSeconds: 60,
        onFailureQueueUrls: ['https://sqs.eu-west-1.amazonaws.com/123456789012/resolved-on_failure_queue_urls'],
        adminTopicArn: 'arn:aws:sns:eu-west-1:123456789012:resolved-admin_topic_arn',
        reportArchive: 's3://resolved-bucket/reports/',
        watchdogMarginMinutes: 60,
      });
      expect(loadWatchdogConfig(resolvedEnv(envOf(s, s.stack.watchdog.fn)))).toEqual({
        summaryTable: 'resolved-summary_table',
        reportTz: c.reportTz,
        reportAt: c.reportAt,
        watchdogMarginMinutes: c.watchdogMarginMinutes,
        adminTopicArn: 'arn:aws:sns:eu-west-1:123456789012:resolved-admin_topic_arn',
      });
    });

    it('fires the watchdog on a schedule of its own, the margin after the digest, in the report zone', () => {
      s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 8 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        Target: { Arn: arnOf(s.stack.watchdog.fn) },
      });
    });

    it('logs to explicit log groups with retention', () => {
      s.template.resourceCountIs('AWS::Logs::LogGroup', 5);
      for (const fn of [s.stack.consumer.function, s.stack.recovery.function, s.stack.digest.function, s.stack.heartbeat.function, s.stack.watchdog.function]) {
        expect(s.resources[idOf(fn.logGroup)]!.Properties).toEqual({ RetentionInDays: 14 });
        expect(s.resources[idOf(fn.fn)]!.Properties['LoggingConfig']).toEqual({ LogGroup: ref(fn.logGroup) });
      }
    });

    it('alarms on every dead-letter queue, the iterator age and every function\'s errors, to the topic', () => {
      const topic = ref(s.stack.alarms.topic);
      const alarm = (metric: string, dimension: Record<string, unknown>, threshold: number) =>
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metric,
          Dimensions: [dimension],
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [topic],
          OKActions: [topic],
          TreatMissingData: 'notBreaching',
        });
      for (const q of [s.stack.recovery.deadLetterQueue.queue, s.stack.digest.deadLetterQueue.queue, s.stack.heartbeat.deadLetterQueue.queue]) {
        alarm('ApproximateNumberOfMessagesVisible', { Name: 'QueueName', Value: arnOf(q, 'QueueName') }, 0);
      }
      alarm('IteratorAge', { Name: 'FunctionName', Value: ref(s.stack.consumer.fn) }, 15 * 60 * 1000);
      const functions = [s.stack.consumer.fn, s.stack.recovery.fn, s.stack.digest.fn, s.stack.heartbeat.fn, s.stack.watchdog.fn];
      for (const fn of functions) alarm('Errors', { Name: 'FunctionName', Value: ref(fn) }, 0);
      // The metric the watchdog handler emits (EMF, with Powertools' service dimension).
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: DIGEST_METRICS.namespace,
        MetricName: DIGEST_METRICS.unconfirmed,
        Dimensions: [{ Name: 'service', Value: DIGEST_METRICS.service }],
        Threshold: 0,
        AlarmActions: [topic],
      });
      s.template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    });

    it('subscribes the adminTo addresses to the alarm topic, which the digest publishes to', () => {
      for (const Endpoint of ['admin@example.com', 'alarms@example.com']) {
        s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint, TopicArn: ref(s.stack.alarms.topic) });
      }
      // alarmEmail is also in adminTo: subscribed once.
      s.template.resourceCountIs('AWS::SNS::Subscription', 2);
    });

    it('keeps unsent reports in a private, encrypted, retained bucket that expires them with the summary', () => {
      const bucket = s.resources[idOf(s.stack.reportArchive.bucket)]!;
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties['BucketEncryption']).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
      expect(bucket.Properties['LifecycleConfiguration']).toEqual({ Rules: [{ ExpirationInDays: 120, Prefix: 'reports/', Status: 'Enabled' }] });
    });

    it('subscribes the alarmEmail address to the topic', () => {
      s.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'alarms@example.com',
        TopicArn: ref(s.stack.alarms.topic),
      });
    });
  });

  describe('8. runtime', () => {
    it('runs every function on Node.js 24 and arm64', () => {
      s.template.resourcePropertiesCountIs(
        'AWS::Lambda::Function',
        { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' },
        5,
      );
      s.template.resourceCountIs('AWS::Lambda::Function', 5);
    });
  });

  describe('9. cdk-nag', () => {
    it('leaves no unacknowledged AwsSolutions finding', () => {
      expectNoNagFindings(s);
    });

    it('acknowledges only the known findings, each with a reason', () => {
      const acks = acknowledgements(s);
      expect(Object.keys(acks).sort()).toEqual(
        [
          `FailureDigest/Digest/Daily/Role AwsSolutions-IAM5[Resource::<${idOf(s.stack.digest.fn)}.Arn>:*]`,
          'FailureDigest/Digest/DeadLetters/Queue AwsSolutions-SQS3',
          `FailureDigest/Heartbeat/ScheduleRole AwsSolutions-IAM5[Resource::<${idOf(s.stack.heartbeat.fn)}.Arn>:*]`,
          'FailureDigest/Heartbeat/DeadLetters/Queue AwsSolutions-SQS3',
          `FailureDigest/StreamConsumer/Handler/Role AwsSolutions-IAM5[Resource::<${idOf(s.stack.executionLog.table)}.Arn>/stream/*]`,
          'FailureDigest/StreamRecovery/DeadLetters/Queue AwsSolutions-SQS3',
          `FailureDigest/Digest/Handler/Role AwsSolutions-IAM5[Resource::<${idOf(s.stack.reportArchive.bucket)}.Arn>/reports/*]`,
          'FailureDigest/Digest/Handler/Role AwsSolutions-IAM5[Resource::*]',
          'FailureDigest/ReportArchive/Bucket AwsSolutions-S1',
          `FailureDigest/Watchdog/Daily/Role AwsSolutions-IAM5[Resource::<${idOf(s.stack.watchdog.fn)}.Arn>:*]`,
          'FailureDigest/Watchdog/DeadLetters/Queue AwsSolutions-SQS3',
        ].sort(),
      );
      for (const reasons of Object.values(acks)) for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
    });
  });
});

describe('stack attached to an existing execution-log table', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ ...BASE_CONTEXT, tableName: 'existing-logs', tableStreamArn: STREAM_ARN, gsiName: 'by_status', sesSandbox: 'true' });
  });

  it('creates no execution-log table, only the summary', () => {
    s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: SUMMARY_TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('deploys to the account and region of the table, where its stream can be read', () => {
    expect(s.stack.account).toBe('123456789012');
    expect(s.stack.region).toBe('eu-west-1');
  });

  it('maps the existing stream to the consumer, with the same settings (test/infra/stream-mapping.test.ts)', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: STREAM_ARN,
      FunctionName: ref(s.stack.consumer.fn),
      DestinationConfig: { OnFailure: { Destination: arnOf(s.stack.recovery.queue) } },
    });
  });

  it('points the consumer\'s stream permissions at that table', () => {
    const g = grants(statementsOf(s, s.stack.consumer.function.role));
    for (const a of ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']) expect(g.get(a)).toEqual([STREAM_ARN]);
    expect(g.get('dynamodb:ListStreams')).toEqual(['arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/*']);
    for (const a of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(g.get(a)).toEqual([arnOf(s.stack.summary.table)]);
    expect(g.get('dynamodb:BatchWriteItem')).toBeUndefined();
  });

  it('points the digest at that table\'s named index and nowhere else in it', () => {
    const g = grants(statementsOf(s, s.stack.digest.function.role));
    const onExisting = [...g.entries()].filter(([, resources]) => resources.some((r) => typeof r === 'string' && r.includes(':table/existing-logs')));
    expect(onExisting).toEqual([['dynamodb:Query', expect.arrayContaining(['arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/index/by_status'])]]);
    expect(envOf(s, s.stack.digest.fn)).toMatchObject({ DDB_TABLE: 'existing-logs', GSI_NAME: 'by_status' });
  });

  it('with sesSandbox, also allows the verified recipient identities, still only From SES_FROM', () => {
    const identity = (name: string) => `arn:aws:ses:eu-west-1:123456789012:identity/${name}`;
    const statements = statementsOf(s, s.stack.digest.function.role);
    expect(new Set(grants(statements).get('ses:SendEmail'))).toEqual(
      new Set(['reports@example.com', 'example.com', 'ops@example.com', 'oncall@example.org', 'example.org'].map(identity)),
    );
    const ses = statements.find((st) => asArray(st.Action).includes('ses:SendEmail'))!;
    expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'reports@example.com' } });
  });

  it('has no wildcard action anywhere and no DynamoDB or SES grant on every resource', () => {
    expectLeastPrivilegeEverywhere(s);
  });

  it('keeps the schedule, alarms and runtime of the other form', () => {
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
    });
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    s.template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'] }, 5);
  });

  it('leaves no unacknowledged AwsSolutions finding, acknowledging the same eleven', () => {
    expectNoNagFindings(s);
    expect(Object.keys(acknowledgements(s)).sort()).toEqual(
      [
        `FailureDigest/Digest/Daily/Role AwsSolutions-IAM5[Resource::<${idOf(s.stack.digest.fn)}.Arn>:*]`,
        'FailureDigest/Digest/DeadLetters/Queue AwsSolutions-SQS3',
        `FailureDigest/Heartbeat/ScheduleRole AwsSolutions-IAM5[Resource::<${idOf(s.stack.heartbeat.fn)}.Arn>:*]`,
        'FailureDigest/Heartbeat/DeadLetters/Queue AwsSolutions-SQS3',
        'FailureDigest/StreamConsumer/Handler/Role AwsSolutions-IAM5[Resource::arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/*]',
        'FailureDigest/StreamRecovery/DeadLetters/Queue AwsSolutions-SQS3',
        `FailureDigest/Digest/Handler/Role AwsSolutions-IAM5[Resource::<${idOf(s.stack.reportArchive.bucket)}.Arn>/reports/*]`,
        'FailureDigest/Digest/Handler/Role AwsSolutions-IAM5[Resource::*]',
        'FailureDigest/ReportArchive/Bucket AwsSolutions-S1',
        `FailureDigest/Watchdog/Daily/Role AwsSolutions-IAM5[Resource::<${idOf(s.stack.watchdog.fn)}.Arn>:*]`,
        'FailureDigest/Watchdog/DeadLetters/Queue AwsSolutions-SQS3',
      ].sort(),
    );
  });
});

describe('a fresh clone', () => {
  const warningsOf = (ctx: Record<string, unknown>) => {
    const app = testApp({ ...ctx, 'aws:cdk:bundling-stacks': [] });
    const stack = buildApp(app, { checkFromMs: CHECK_FROM });
    return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
  };

  it('synthesizes from cdk.json alone, warning that the sender is only an example', () => {
    const warnings = warningsOf({});
    expect(warnings.some((w) => w.includes('example address failure-digest@example.com'))).toBe(true);
  });

  it('does not warn about the sender once a real one is given', () => {
    const warnings = warningsOf({ sesFrom: 'reports@acme.io', sesTo: 'ops@acme.io', alarmEmail: 'ops@acme.io' });
    expect(warnings).toEqual([]);
  });
});

import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON_FAILURE_QUEUE } from '../../shared/recovery/on-failure-queue.ts';
import { loadCaptureConfig } from '../../shared/settings/components.ts';
import { buildApp } from '../../infra/stack/build-app.ts';
import type { FailureDigestStack } from '../../infra/stack/failure-digest-stack.ts';
import { removeTestApps, testApp } from '../support/cdk-app.ts';
import { acknowledgementsOf, arnOf, grantsOf, idOf, ref, type Resources } from '../support/template.ts';

const CHECK_FROM = Date.parse('2026-01-01T00:00:00Z');
// No bundling: the template is what is asserted here (test/infra/stack.test.ts loads every bundle).
const CONTEXT = { sesFrom: 'reports@acme.io', sesTo: 'ops@acme.io', alarmEmail: 'ops@acme.io', reportTz: 'Europe/Paris', 'aws:cdk:bundling-stacks': [] };
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/2026-01-01T00:00:00.000';

interface Synth {
  readonly stack: FailureDigestStack;
  readonly template: Template;
  readonly resources: Resources;
}

function synth(context: Record<string, unknown> = {}): Synth {
  const stack = buildApp(testApp({ ...CONTEXT, ...context }), { checkFromMs: CHECK_FROM });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources };
}

afterAll(removeTestApps);

describe.each<[string, Record<string, string>]>([
  ['with a new execution-log table', {}],
  ['attached to an existing stream', { tableName: 'existing-logs', tableStreamArn: STREAM_ARN }],
])('recovery of dropped stream records, %s', (_form, context) => {
  let s: Synth;
  beforeAll(() => {
    s = synth(context);
  });
  const streamArn = (): unknown => context['tableStreamArn'] ?? arnOf(s.stack.executionLog.table, 'StreamArn');

  it('receives what the stream mapping gives up on, through its on-failure queue', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: streamArn(),
      FunctionName: ref(s.stack.consumer.fn),
      DestinationConfig: { OnFailure: { Destination: arnOf(s.stack.recovery.queue) } },
    });
  });

  it('reads that queue with partial batch responses, a few ranges and two invocations at a time', () => {
    const sqsMappings = Object.values(s.template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { EventSourceArn: arnOf(s.stack.recovery.queue) },
    }));
    expect(sqsMappings.map((m) => m.Properties)).toEqual([
      {
        EventSourceArn: arnOf(s.stack.recovery.queue),
        FunctionName: ref(s.stack.recovery.fn),
        BatchSize: ON_FAILURE_QUEUE.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: ON_FAILURE_QUEUE.maxConcurrency },
      },
    ]);
  });

  it('hides a range for at least six function timeouts, then after a few deliveries moves it to its own dead-letter queue', () => {
    const timeout = s.resources[idOf(s.stack.recovery.fn)]!.Properties['Timeout'] as number;
    expect(timeout).toBe(ON_FAILURE_QUEUE.functionTimeoutSeconds);
    const queue = s.resources[idOf(s.stack.recovery.queue)]!.Properties;
    expect(queue['VisibilityTimeout']).toBeGreaterThanOrEqual(6 * timeout);
    expect(queue).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86400,
      RedrivePolicy: { deadLetterTargetArn: arnOf(s.stack.recovery.deadLetterQueue.queue), maxReceiveCount: ON_FAILURE_QUEUE.maxReceiveCount },
    });
    expect(s.resources[idOf(s.stack.recovery.deadLetterQueue.queue)]!.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    for (const q of [s.stack.recovery.queue, s.stack.recovery.deadLetterQueue.queue]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(q)],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('may read the one stream by sequence number, write the summary table and take its messages, and nothing else', () => {
    const summary = arnOf(s.stack.summary.table);
    const queue = arnOf(s.stack.recovery.queue);
    const logs = arnOf(s.stack.recovery.function.logGroup);
    expect(grantsOf(s.resources, s.stack.recovery.function.role)).toEqual({
      'logs:CreateLogStream': [logs],
      'logs:PutLogEvents': [logs],
      'dynamodb:DescribeStream': [streamArn()],
      'dynamodb:GetShardIterator': [streamArn()],
      'dynamodb:GetRecords': [streamArn()],
      'dynamodb:PutItem': [summary],
      'dynamodb:UpdateItem': [summary],
      'sqs:ReceiveMessage': [queue],
      'sqs:ChangeMessageVisibility': [queue],
      'sqs:GetQueueUrl': [queue],
      'sqs:DeleteMessage': [queue],
      'sqs:GetQueueAttributes': [queue],
    });
  });

  it('captures with the settings the consumer has, read back by the same reader', () => {
    const env = (fn: typeof s.stack.recovery.fn) => s.resources[idOf(fn)]!.Properties['Environment'].Variables as Record<string, unknown>;
    const named = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : 'summary']));
    expect(env(s.stack.recovery.fn)).toEqual(env(s.stack.consumer.fn));
    expect(loadCaptureConfig(named(env(s.stack.recovery.fn)))).toEqual({ summaryTable: 'summary', reportTz: 'Europe/Paris', retentionDays: 90 });
  });

  it('alarms on its dead-letter queue and its errors, to the alarm topic', () => {
    const topic = ref(s.stack.alarms.topic);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: arnOf(s.stack.recovery.deadLetterQueue.queue, 'QueueName') }],
      Threshold: 0,
      AlarmActions: [topic],
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(s.stack.recovery.fn) }],
      AlarmActions: [topic],
    });
    // The on-failure queue is a work queue now: a message there is being recovered, not waiting for a person.
    expect(Object.keys(s.template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { Dimensions: [{ Name: 'QueueName', Value: arnOf(s.stack.recovery.queue, 'QueueName') }] },
    }))).toEqual([]);
  });

  it('names the dead-letter queue in the outputs, for replay', () => {
    s.template.hasOutput('StreamRecoveryDeadLetterQueueUrl', { Value: ref(s.stack.recovery.deadLetterQueue.queue) });
  });

  it('passes cdk-nag, acknowledging only that its dead-letter queue has none behind it', () => {
    const report = new AwsSolutionsChecks().validateScope(s.stack.recovery);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const acks = acknowledgementsOf(s.stack.recovery);
    expect(Object.keys(acks)).toEqual(['FailureDigest/StreamRecovery/DeadLetters/Queue AwsSolutions-SQS3']);
    for (const reasons of Object.values(acks)) for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });
});

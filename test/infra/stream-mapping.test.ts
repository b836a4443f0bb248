import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { STREAM_MAPPING } from '../../shared/capture/stream-mapping.ts';
import { resolveOptions } from '../../infra/local/stream-options.ts';
import { buildApp } from '../../infra/stack/build-app.ts';
import { removeTestApps, testApp } from '../support/cdk-app.ts';

const CHECK_FROM = Date.parse('2026-01-01T00:00:00Z');
// A real sender and an alarm address, so synthesis has nothing to warn about; no bundling, only the template matters.
const CONTEXT = { sesFrom: 'reports@acme.io', sesTo: 'ops@acme.io', alarmEmail: 'ops@acme.io', 'aws:cdk:bundling-stacks': [] };
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/existing-logs/stream/2026-01-01T00:00:00.000';

afterAll(removeTestApps);

type Properties = Record<string, any>;

/** The only stream mapping of the synthesized stack (the other reads the on-failure queue). */
function deployedMapping(context: Record<string, unknown>): Properties {
  const stack = buildApp(testApp({ ...CONTEXT, ...context }), { checkFromMs: CHECK_FROM });
  const mappings = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping')).filter(
    (m) => m.Properties.StartingPosition !== undefined,
  );
  expect(mappings).toHaveLength(1);
  return mappings[0]!.Properties as Properties;
}

/** A template's mapping read back into the terms of `STREAM_MAPPING`. */
function asSettings(p: Properties) {
  const filters = p['FilterCriteria']?.Filters as { Pattern: string }[] | undefined;
  return {
    startingPosition: p['StartingPosition'],
    batchSize: p['BatchSize'],
    maximumBatchingWindowInSeconds: p['MaximumBatchingWindowInSeconds'],
    maximumRetryAttempts: p['MaximumRetryAttempts'],
    maximumRecordAgeInSeconds: p['MaximumRecordAgeInSeconds'],
    bisectBatchOnFunctionError: p['BisectBatchOnFunctionError'],
    reportBatchItemFailures: ((p['FunctionResponseTypes'] as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
    filters: (filters ?? []).map((f) => JSON.parse(f.Pattern) as unknown),
  };
}

describe('the stream mapping settings', () => {
  it.each([
    ['with a new execution-log table', {}],
    ['attached to an existing stream', { tableName: 'existing-logs', tableStreamArn: STREAM_ARN }],
  ])('are deployed as STREAM_MAPPING says, %s', (_form, context) => {
    const mapping = deployedMapping(context);
    expect(asSettings(mapping)).toEqual(STREAM_MAPPING);
    // Nothing else is set on the mapping that the local poller would not know about.
    expect(Object.keys(mapping).sort()).toEqual([
      'BatchSize',
      'BisectBatchOnFunctionError',
      'DestinationConfig',
      'EventSourceArn',
      'FilterCriteria',
      'FunctionName',
      'FunctionResponseTypes',
      'MaximumBatchingWindowInSeconds',
      'MaximumRecordAgeInSeconds',
      'MaximumRetryAttempts',
      'StartingPosition',
    ]);
  });

  it('bound the retries and drop records while the stream still holds them', () => {
    const m = STREAM_MAPPING;
    // -1, Lambda's default, retries a poison record until it expires and blocks its shard.
    expect(m.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(m.maximumRetryAttempts).toBeLessThanOrEqual(10_000);
    // DynamoDB Streams keeps records 24 h: a dropped one must still be readable by its sequence numbers.
    expect(m.maximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(m.maximumRecordAgeInSeconds).toBeLessThan(24 * 60 * 60);
    expect(m.maximumBatchingWindowInSeconds).toBeLessThanOrEqual(300);
    expect(m.batchSize).toBeLessThanOrEqual(10_000);
  });

  it('are the local poller\'s defaults', () => {
    const streams = new DynamoDBStreamsClient({ region: 'us-east-1' });
    try {
      const o = resolveOptions({ streams, streamArn: STREAM_ARN, handler: async () => {}, onFailure: () => {} });
      expect({
        startingPosition: o.startingPosition,
        batchSize: o.batchSize,
        maximumBatchingWindowInSeconds: o.maxBatchingWindowMs / 1000,
        maximumRetryAttempts: o.maxRetryAttempts,
        maximumRecordAgeInSeconds: o.maxRecordAgeMs / 1000,
        bisectBatchOnFunctionError: o.bisectBatchOnFunctionError,
        reportBatchItemFailures: o.reportBatchItemFailures,
        filters: o.filters,
      }).toEqual(STREAM_MAPPING);
    } finally {
      streams.destroy();
    }
  });
});

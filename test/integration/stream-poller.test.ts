import { createHook } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateTableCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ExpiredIteratorException, type _Record } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import {
  createStreamPoller,
  StreamPollerIdleTimeoutError,
  type OnFailureRecord,
  type StreamPoller,
  type StreamPollerOptions,
} from '../../infra/local/stream-poller.ts';
import { STREAM_MAPPING } from '../../shared/capture/stream-mapping.ts';
import { EXECUTION_LOG_TABLE, executionLogTableInput } from '../../shared/tables.ts';

const endpoint = inject('ddbEndpoint');
const clientConfig = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

let ddb: DynamoDBClient;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(() => {
  ddb = new DynamoDBClient(clientConfig);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => {
  ddb.destroy();
});

interface Harness {
  readonly table: string;
  readonly streamArn: string;
  readonly streams: DynamoDBStreamsClient;
}

async function newTable(): Promise<Harness> {
  const table = `stream-poller-${randomUUID().slice(0, 8)}`;
  await ddb.send(new CreateTableCommand(executionLogTableInput(table, EXECUTION_LOG_TABLE.gsi.defaultName)));
  const described = await ddb.send(new DescribeTableCommand({ TableName: table }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${table} has no stream`);
  const streams = new DynamoDBStreamsClient(clientConfig);
  cleanups.push(async () => {
    streams.destroy();
    await ddb.send(new DeleteTableCommand({ TableName: table }));
  });
  return { table, streamArn, streams };
}

function logItem(pk: string, status: string, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> {
  return { pk: { S: pk }, status: { S: status }, event_ts: { N: String(Date.now()) }, ...extra };
}

async function put(table: string, pk: string, status = 'FAILED', extra: Record<string, AttributeValue> = {}): Promise<void> {
  await ddb.send(new PutItemCommand({ TableName: table, Item: logItem(pk, status, extra) }));
}

async function putMany(table: string, pks: readonly string[]): Promise<void> {
  for (let i = 0; i < pks.length; i += 25) {
    const requests = pks.slice(i, i + 25).map((pk) => ({ PutRequest: { Item: logItem(pk, 'FAILED') } }));
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
  }
}

const pkOf = (r: DynamoDBRecord): string | undefined => r.dynamodb?.NewImage?.pk?.S ?? r.dynamodb?.Keys?.pk?.S;
const seqOf = (r: DynamoDBRecord): string => r.dynamodb?.SequenceNumber ?? '';

type Handler = StreamPollerOptions['handler'];

/** A poller on the harness's stream that records every call; stopped after the test. */
function startPoller(h: Harness, handler: Handler = async () => {}, overrides: Partial<StreamPollerOptions> = {}) {
  const batches: DynamoDBRecord[][] = [];
  const contexts: Context[] = [];
  const failures: OnFailureRecord[] = [];
  const logs: string[] = [];
  const poller: StreamPoller = createStreamPoller({
    streams: h.streams,
    streamArn: h.streamArn,
    pollIntervalMs: 25,
    maxBatchingWindowMs: 50,
    // Lambda documents how many retries, not when: the deployed count, without the wait.
    retryBackoffMs: () => 5,
    handler: async (event: DynamoDBStreamEvent, context: Context) => {
      batches.push(event.Records);
      contexts.push(context);
      return handler(event, context);
    },
    onFailure: (record) => {
      failures.push(record);
    },
    log: (level, message, extra) => logs.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`),
    ...overrides,
  });
  poller.start();
  cleanups.push(() => poller.stop());
  return { poller, batches, contexts, failures, logs, pks: () => batches.flat().map(pkOf) };
}

describe('stream poller against DynamoDB Local', () => {
  it('delivers records in the shape Lambda sends', async () => {
    const h = await newTable();
    const before = Date.now();
    await put(h.table, 'run-1', 'FAILED', { payload: { B: new Uint8Array([1, 2, 3]) } });
    await put(h.table, 'run-1', 'FAILED', { message: { S: 'second failure' } });
    const after = Date.now();
    const { poller, batches, contexts } = startPoller(h, undefined, { functionName: 'capture' });
    await poller.waitForIdle(10_000);

    const records = batches.flat();
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    const [insert, modify] = records as [DynamoDBRecord, DynamoDBRecord];
    expect(insert).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      eventSourceARN: h.streamArn,
      dynamodb: {
        Keys: { pk: { S: 'run-1' } },
        NewImage: { pk: { S: 'run-1' }, status: { S: 'FAILED' }, payload: { B: 'AQID' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    // Exactly Lambda's fields, in Lambda's order: no OldImage on an INSERT, no userIdentity on a user's write.
    expect(Object.keys(insert)).toEqual([
      'eventID',
      'eventName',
      'eventVersion',
      'eventSource',
      'awsRegion',
      'dynamodb',
      'eventSourceARN',
    ]);
    expect(Object.keys(insert.dynamodb ?? {})).toEqual([
      'ApproximateCreationDateTime',
      'Keys',
      'NewImage',
      'SequenceNumber',
      'SizeBytes',
      'StreamViewType',
    ]);
    expect(typeof insert.eventID).toBe('string');
    expect(insert.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    expect(insert.dynamodb?.SizeBytes).toBeGreaterThan(0);
    // Epoch seconds; DynamoDB Local rounds the creation time down to the minute.
    const created = insert.dynamodb?.ApproximateCreationDateTime ?? NaN;
    expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000) - 60);
    expect(created).toBeLessThanOrEqual(Math.ceil(after / 1000));
    expect(modify.dynamodb?.OldImage).toMatchObject({ status: { S: 'FAILED' } });
    expect(modify.dynamodb?.NewImage?.message).toEqual({ S: 'second failure' });
    expect(BigInt(seqOf(modify))).toBeGreaterThan(BigInt(seqOf(insert)));

    const context = contexts[0];
    expect(context?.functionName).toBe('capture');
    expect(context?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context?.getRemainingTimeInMillis()).toBeGreaterThan(60_000);
    expect(poller.stats).toMatchObject({ invocations: batches.length, recordsDelivered: 2, recordsFailed: 0 });
  });

  it('drops what the FAILED-writes filter rejects, and passes everything with filter null', async () => {
    const h = await newTable();
    await put(h.table, 'ok-1', 'SUCCESS');
    await put(h.table, 'bad-1', 'FAILED');
    await put(h.table, 'bad-2', 'FAILED');
    await put(h.table, 'bad-2', 'SUCCESS'); // MODIFY to a success
    await ddb.send(new DeleteItemCommand({ TableName: h.table, Key: { pk: { S: 'bad-1' } } })); // REMOVE
    const filtered = startPoller(h);
    const unfiltered = startPoller(h, undefined, { filters: null });
    await Promise.all([filtered.poller.waitForIdle(10_000), unfiltered.poller.waitForIdle(10_000)]);

    expect(filtered.batches.flat().map((r) => [r.eventName, pkOf(r)])).toEqual([
      ['INSERT', 'bad-1'],
      ['INSERT', 'bad-2'],
    ]);
    expect(unfiltered.batches.flat().map((r) => r.eventName)).toEqual(['INSERT', 'INSERT', 'INSERT', 'MODIFY', 'REMOVE']);
  });

  it('starts at the tip of the stream with LATEST', async () => {
    const h = await newTable();
    await put(h.table, 'before-start');
    const { poller, pks } = startPoller(h, undefined, { startingPosition: 'LATEST' });
    await poller.waitForIdle(10_000);
    await put(h.table, 'after-start');
    await poller.waitForIdle(10_000);
    expect(pks()).toEqual(['after-start']);
  });

  it('respects the batch size and keeps the shard order', async () => {
    const h = await newTable();
    const pks = Array.from({ length: 23 }, (_, i) => `run-${String(i).padStart(2, '0')}`);
    await putMany(h.table, pks);
    const { poller, batches, pks: delivered } = startPoller(h, undefined, { batchSize: 5 });
    await poller.waitForIdle(10_000);

    expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    const seqs = batches.flat().map((r) => BigInt(seqOf(r)));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(delivered())).toEqual(new Set(pks));
  });

  it('waits for the batching window to fill a batch', async () => {
    const h = await newTable();
    const { poller, batches } = startPoller(h, undefined, { batchSize: 10, maxBatchingWindowMs: 1_500, pollIntervalMs: 20 });
    await poller.waitForIdle(10_000);
    for (const pk of ['w-1', 'w-2', 'w-3']) {
      await put(h.table, pk);
      await delay(100);
    }
    await poller.waitForIdle(10_000);
    expect(batches.map((b) => b.map(pkOf))).toEqual([['w-1', 'w-2', 'w-3']]);
  });

  it('checkpoints at the lowest failed sequence number of a partial batch response', async () => {
    const h = await newTable();
    await putMany(h.table, ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
    let calls = 0;
    const { poller, batches, failures } = startPoller(h, async (event): Promise<DynamoDBBatchResponse> => {
      calls += 1;
      if (calls > 1) return { batchItemFailures: [] };
      const [, , , third, fourth] = event.Records;
      // Reported out of order: the checkpoint is the lowest, not the first listed.
      return { batchItemFailures: [{ itemIdentifier: seqOf(fourth!) }, { itemIdentifier: seqOf(third!) }] };
    });
    await poller.waitForIdle(10_000);

    expect(batches.map((b) => b.map(pkOf))).toEqual([
      ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5'],
      ['p-3', 'p-4', 'p-5'],
    ]);
    expect(failures).toEqual([]);
    expect(poller.stats.recordsDelivered).toBe(6);
  });

  it('ignores a batchItemFailures response without reportBatchItemFailures, as Lambda does', async () => {
    const h = await newTable();
    await putMany(h.table, ['r-0', 'r-1']);
    const { poller, batches, failures } = startPoller(
      h,
      async (event): Promise<DynamoDBBatchResponse> => ({ batchItemFailures: [{ itemIdentifier: seqOf(event.Records[0]!) }] }),
      { reportBatchItemFailures: false },
    );
    await poller.waitForIdle(10_000);
    expect(batches.map((b) => b.map(pkOf))).toEqual([['r-0', 'r-1']]);
    expect(failures).toEqual([]);
    expect(poller.stats.recordsDelivered).toBe(2);
  });

  it('retries the whole batch when an item identifier is not in it', async () => {
    const h = await newTable();
    await putMany(h.table, ['u-0', 'u-1', 'u-2']);
    let calls = 0;
    const { poller, batches } = startPoller(h, async () => {
      calls += 1;
      return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : undefined;
    });
    await poller.waitForIdle(10_000);
    expect(batches.map((b) => b.map(pkOf))).toEqual([
      ['u-0', 'u-1', 'u-2'],
      ['u-0', 'u-1', 'u-2'],
    ]);
  });

  it('bisects a throwing batch down to the poison record, then discards it after bounded retries', async () => {
    const h = await newTable();
    const pks = ['b-0', 'b-1', 'b-2', 'b-3', 'b-4', 'poison', 'b-6', 'b-7'];
    await putMany(h.table, pks);
    const succeeded: string[] = [];
    const { poller, batches, failures } = startPoller(h, async (event) => {
      if (event.Records.some((r) => pkOf(r) === 'poison')) throw new Error('cannot process poison');
      succeeded.push(...event.Records.map((r) => pkOf(r) ?? '?'));
    });
    await poller.waitForIdle(15_000);

    expect(batches[0]?.map(pkOf)).toEqual(pks);
    const tries = 1 + STREAM_MAPPING.maximumRetryAttempts;
    expect(batches.filter((b) => b.length === 1 && pkOf(b[0]!) === 'poison')).toHaveLength(tries);
    expect([...succeeded].sort()).toEqual(pks.filter((pk) => pk !== 'poison').sort());
    expect(failures).toHaveLength(1);
    const failure = failures[0]!;
    const poison = failure.records[0]!;
    expect(failure.records.map(pkOf)).toEqual(['poison']);
    expect(failure).toMatchObject({
      requestContext: { functionArn: 'local', condition: 'RetryAttemptsExhausted', approximateInvokeCount: tries },
      responseContext: { statusCode: 200, functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: {
        startSequenceNumber: seqOf(poison),
        endSequenceNumber: seqOf(poison),
        batchSize: 1,
        streamArn: h.streamArn,
      },
    });
    expect(failure.DDBStreamBatchInfo.shardId).toMatch(/^shardId-/);
    expect(failure.DDBStreamBatchInfo.approximateArrivalOfFirstRecord).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(poller.stats).toMatchObject({ recordsDelivered: 7, recordsFailed: 1 });

    // The shard moved on past the discarded record.
    await put(h.table, 'after-poison');
    await poller.waitForIdle(10_000);
    expect(succeeded.at(-1)).toBe('after-poison');
  });

  it('without bisect, discards the whole throwing batch after the retries', async () => {
    const h = await newTable();
    await putMany(h.table, ['n-0', 'n-1', 'n-2']);
    const { poller, batches, failures } = startPoller(
      h,
      async () => {
        throw new Error('always down');
      },
      { bisectBatchOnFunctionError: false, maxRetryAttempts: 1 },
    );
    await poller.waitForIdle(10_000);
    expect(batches.map((b) => b.length)).toEqual([3, 3]);
    expect(failures.map((f) => [f.requestContext.condition, f.DDBStreamBatchInfo.batchSize])).toEqual([
      ['RetryAttemptsExhausted', 3],
    ]);
  });

  it('discards records older than maxRecordAgeMs even with unlimited retries', async () => {
    const h = await newTable();
    await put(h.table, 'old-1');
    let skewMs = 0;
    const { poller, batches, failures } = startPoller(
      h,
      async () => {
        skewMs = 7 * 60 * 60_000; // from now on the record is seven hours old
        throw new Error('still failing');
      },
      { maxRetryAttempts: -1, now: () => Date.now() + skewMs },
    );
    await poller.waitForIdle(10_000);
    expect(batches).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 1 },
      responseContext: { functionError: 'Unhandled' },
    });
    expect(failures[0]?.records.map(pkOf)).toEqual(['old-1']);
  });

  it('waitForIdle resolves only after earlier writes are handled, and rejects on timeout', async () => {
    const h = await newTable();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const { poller } = startPoller(h, async (event) => {
      if (event.Records.some((r) => pkOf(r) === 'slow')) await gate;
      handled.push(...event.Records.map((r) => pkOf(r) ?? '?'));
    });
    await put(h.table, 'slow');
    await expect(poller.waitForIdle(400)).rejects.toBeInstanceOf(StreamPollerIdleTimeoutError);
    expect(handled).toEqual([]);
    release();
    await putMany(h.table, ['i-1', 'i-2', 'i-3']);
    await poller.waitForIdle(10_000);
    expect(handled).toEqual(['slow', 'i-1', 'i-2', 'i-3']);
  });

  it('recovers from an expired iterator and transient read errors without loss or duplicates', async () => {
    const h = await newTable();
    let getRecordsCalls = 0;
    h.streams.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetRecordsCommand') {
          getRecordsCalls += 1;
          if (getRecordsCalls === 3) throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
          if (getRecordsCalls === 5) throw Object.assign(new Error('connection reset'), { name: 'ECONNRESET' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectStreamFaults' },
    );
    await putMany(h.table, ['e-0', 'e-1']);
    const { poller, pks, logs } = startPoller(h, undefined, { batchSize: 1 });
    await delay(300);
    await putMany(h.table, ['e-2', 'e-3']);
    await poller.waitForIdle(10_000);
    expect(getRecordsCalls).toBeGreaterThan(5);
    expect(pks()).toEqual(['e-0', 'e-1', 'e-2', 'e-3']);
    expect(logs.some((l) => l.includes('iterator expired'))).toBe(true);
    expect(logs.some((l) => l.includes('reading the shard failed'))).toBe(true);
  });

  it('drains a shard that closes when the stream is disabled', async () => {
    const h = await newTable();
    const { poller, pks, logs } = startPoller(h);
    await putMany(h.table, ['c-0', 'c-1']);
    await ddb.send(new UpdateTableCommand({ TableName: h.table, StreamSpecification: { StreamEnabled: false } }));
    await poller.waitForIdle(10_000);
    expect(pks()).toEqual(['c-0', 'c-1']);
    expect(logs.some((l) => l.includes('shard closed and drained'))).toBe(true);
  });

  it('stop waits for the running invocation and leaves nothing running', async () => {
    const h = await newTable();
    const liveTimers = new Set<number>();
    const timerHook = createHook({
      init: (id, type) => void (type === 'Timeout' && liveTimers.add(id)),
      destroy: (id) => void liveTimers.delete(id),
    }).enable();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const { poller, batches } = startPoller(h, async () => {
      await gate;
      finished = true;
    });
    await put(h.table, 's-1');
    await expect.poll(() => batches.length, { timeout: 5_000 }).toBe(1);

    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await delay(150);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);

    await put(h.table, 's-2');
    await delay(300);
    await new Promise((resolve) => setImmediate(resolve));
    timerHook.disable();
    expect(batches).toHaveLength(1);
    expect(liveTimers.size).toBe(0);
    await expect(poller.waitForIdle(100)).rejects.toThrow(/started, not stopped/);
  });
});

// DynamoDB Local rolls a shard over only every 4 hours, so shard lineage is
// exercised against a scripted Streams API (answered in the client's middleware).
describe('stream poller shard lineage', () => {
  it('pages DescribeStream and reads a child shard only after its parent is drained', async () => {
    const streams = new DynamoDBStreamsClient({ ...clientConfig, endpoint: 'http://127.0.0.1:9' });
    const streamArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/scripted/stream/2026-01-01T00:00:00.000';
    const parent = {
      ShardId: 'shardId-parent',
      SequenceNumberRange: { StartingSequenceNumber: '100', EndingSequenceNumber: '102' },
    };
    const child = {
      ShardId: 'shardId-child',
      ParentShardId: 'shardId-parent',
      SequenceNumberRange: { StartingSequenceNumber: '200' },
    };
    const record = (seq: string, pk: string): _Record => ({
      eventID: `event-${seq}`,
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: new Date(),
        Keys: { pk: { S: pk } },
        NewImage: { pk: { S: pk }, status: { S: 'FAILED' } },
        SequenceNumber: seq,
        SizeBytes: 20,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    // iterator -> [records, next iterator]; a missing next iterator closes the shard.
    const pages: Record<string, [_Record[], string | undefined]> = {
      'parent-0': [[record('101', 'p-1'), record('102', 'p-2')], 'parent-1'],
      'parent-1': [[], undefined],
      'child-0': [[record('201', 'c-1')], 'child-1'],
      'child-1': [[], 'child-1'],
    };
    const calls: string[] = [];
    const answer = (command: string, input: Record<string, unknown>): object => {
      calls.push(`${command} ${String(input.ShardId ?? input.ShardIterator ?? input.ExclusiveStartShardId ?? '')}`);
      if (command === 'DescribeStreamCommand') {
        return input.ExclusiveStartShardId === undefined
          ? { StreamDescription: { StreamArn: streamArn, Shards: [child], LastEvaluatedShardId: child.ShardId } }
          : { StreamDescription: { StreamArn: streamArn, Shards: [parent] } };
      }
      if (command === 'GetShardIteratorCommand') return { ShardIterator: `${String(input.ShardId).slice(8)}-0` };
      const [records, next] = pages[String(input.ShardIterator)] ?? [[], undefined];
      return { Records: records, NextShardIterator: next };
    };
    streams.middlewareStack.add(
      (_next, context) => async (args) => ({
        output: { $metadata: {}, ...answer(String(context.commandName), args.input as Record<string, unknown>) } as never,
        response: {},
      }),
      { step: 'initialize', name: 'scriptedStreamsApi' },
    );
    cleanups.push(async () => streams.destroy());

    const h: Harness = { table: 'scripted', streamArn, streams };
    const { poller, pks } = startPoller(h, () => delay(100)); // slow enough that an eager child would overtake
    await poller.waitForIdle(10_000);

    expect(pks()).toEqual(['p-1', 'p-2', 'c-1']);
    expect(calls.slice(0, 2)).toEqual(['DescribeStreamCommand ', 'DescribeStreamCommand shardId-child']);
    expect(calls.indexOf('GetShardIteratorCommand shardId-child')).toBeGreaterThan(calls.indexOf('GetRecordsCommand parent-1'));
  });
});

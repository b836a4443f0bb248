import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { sesMailer } from '../../shared/email/mailer.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { queryFailedInWindow } from '../../shared/source/gsi.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { injectFaults, parseFaultPlan, type FaultInjector } from '../../infra/local/faults.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, mailbox, testClients, testConfig } from '../support/local.ts';

const WINDOW = dayWindow('2026-11-03', 'UTC');
const FAILED_IN_WINDOW = 3;

let plain: Clients;
let config: DigestConfig;

beforeAll(async () => {
  plain = testClients();
  config = testConfig();
  await ensureLocalTables(plain.dynamodb, config);
  for (let i = 0; i < FAILED_IN_WINDOW; i++) {
    const Item = { pk: { S: `etl#run-${i}` }, status: { S: 'FAILED' }, event_ts: { N: String(WINDOW.start_ms + i) }, message: { S: 'boom' } };
    await plain.dynamodb.send(new PutItemCommand({ TableName: config.executionTable, Item }));
  }
});

afterAll(async () => {
  await dropTables(plain, config);
  destroyClients(plain);
});

/** Clients of the test's own with `--fault` values in them; one attempt per operation unless told. */
function faulty(faults: string[], options: { seed?: number; maxAttempts?: number } = {}): { clients: Clients; injector: FaultInjector } {
  const clients = testClients(options.maxAttempts === undefined ? { maxAttempts: 1 } : options.maxAttempts ? { maxAttempts: options.maxAttempts } : {});
  onTestFinished(() => destroyClients(clients));
  const plan = parseFaultPlan(faults, String(options.seed ?? 1))!;
  return { clients, injector: injectFaults(clients, plan, config) };
}

const key = (id: string, table = config.summaryTable): Record<string, AttributeValue> =>
  table === config.summaryTable ? { pk: { S: `FAULT#${id}` }, sk: { S: 'item' } } : { pk: { S: `FAULT#${id}` } };

/** One request of each write operation on `table`, each writing its own new item. */
function writes(table: string, id: string) {
  const k = (op: string) => key(`${id}-${op}`, table);
  return {
    PutItem: new PutItemCommand({ TableName: table, Item: k('put') }),
    UpdateItem: new UpdateItemCommand({ TableName: table, Key: k('update'), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } }),
    DeleteItem: new DeleteItemCommand({ TableName: table, Key: k('delete') }),
    BatchWriteItem: new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: k('batch') } }] } }),
    TransactWriteItems: new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: k('transact') } }] }),
  };
}

const stored = async (table: string, k: Record<string, AttributeValue>) =>
  (await plain.dynamodb.send(new GetItemCommand({ TableName: table, Key: k, ConsistentRead: true }))).Item !== undefined;

const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error & Record<string, unknown>);

const email = (to: string) => ({ from: 'failure-digest@example.com', to: [to], subject: 'faults', text: 'text', html: '<p>html</p>' });
const recipient = () => `faults-${randomUUID().slice(0, 8)}@example.com`;

describe('summary-write', () => {
  it.each(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'] as const)(
    'at rate 1, %s on the summary table is throttled as DynamoDB throttles, and writes nothing',
    async (op) => {
      const { clients, injector } = faulty(['summary-write=1']);
      const id = randomUUID();
      const e = await caught(clients.dynamodb.send(writes(config.summaryTable, id)[op] as PutItemCommand));
      expect(e).toBeInstanceOf(ProvisionedThroughputExceededException);
      expect(e).toMatchObject({
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400, attempts: 1, requestId: expect.any(String) },
        ThrottlingReasons: [{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${config.summaryTable}` }],
      });
      expect(e?.message).toMatch(/^Throughput exceeds the current capacity of your table or index\..* \(injected by --fault summary-write\)$/);
      expect(injector.counts()).toEqual([{ kind: 'summary-write', rate: 1, attempts: 1, injected: 1 }]);
      if (op !== 'DeleteItem') expect(await stored(config.summaryTable, key(`${id}-${op === 'PutItem' ? 'put' : op === 'UpdateItem' ? 'update' : op === 'BatchWriteItem' ? 'batch' : 'transact'}`))).toBe(false);
    },
  );

  it('at rate 1, leaves reads of the summary and writes to other tables alone', async () => {
    const { clients, injector } = faulty(['summary-write=1']);
    const id = randomUUID();
    for (const command of Object.values(writes(config.executionTable, id))) await clients.dynamodb.send(command as PutItemCommand);
    expect(await stored(config.executionTable, key(`${id}-transact`, config.executionTable))).toBe(true);
    await clients.dynamodb.send(new GetItemCommand({ TableName: config.summaryTable, Key: key(id) }));
    expect(injector.counts()[0]).toMatchObject({ attempts: 0, injected: 0 });
  });

  it('at rate 0, every write of the five goes through', async () => {
    const { clients, injector } = faulty(['summary-write=0']);
    const id = randomUUID();
    for (const command of Object.values(writes(config.summaryTable, id))) await clients.dynamodb.send(command as PutItemCommand);
    for (const op of ['put', 'update', 'batch', 'transact']) expect(await stored(config.summaryTable, key(`${id}-${op}`))).toBe(true);
    expect(injector.counts()).toEqual([{ kind: 'summary-write', rate: 0, attempts: 5, injected: 0 }]);
  });

  it('a throttled attempt is retried by the SDK as a real throttle is: at its throttle cost, up to its attempts', async () => {
    const { clients, injector } = faulty(['summary-write=1'], { maxAttempts: 0 });
    const strategy = (await clients.dynamodb.config.retryStrategy()) as unknown as { getCapacity(): number };
    const before = strategy.getCapacity();
    const e = await caught(clients.dynamodb.send(writes(config.summaryTable, randomUUID()).PutItem));
    expect(e).toBeInstanceOf(ProvisionedThroughputExceededException);
    // DynamoDB clients make 4 attempts; each retry of a throttle costs the SDK's throttle cost, 5 (a transient error costs 14).
    expect(e?.['$metadata']).toMatchObject({ attempts: 4 });
    expect(injector.counts()[0]).toMatchObject({ attempts: 4, injected: 4 });
    expect(before - strategy.getCapacity()).toBe(3 * 5);
  }, 20_000);

  it('the SDK recovers from a throttled first attempt, and the item is written once', async () => {
    // Seed 1 draws 0.06 then 0.95 for summary-write: at rate 0.5 the first attempt fails, the second passes.
    const { clients, injector } = faulty(['summary-write=0.5'], { seed: 1, maxAttempts: 0 });
    const id = randomUUID();
    const out = await clients.dynamodb.send(writes(config.summaryTable, id).PutItem);
    expect(out.$metadata.attempts).toBe(2);
    expect(injector.counts()[0]).toMatchObject({ attempts: 2, injected: 1 });
    expect(await stored(config.summaryTable, key(`${id}-put`))).toBe(true);
    // A real error that is not a throttle, from DynamoDB Local itself, is not retried.
    const conditional = await caught(
      clients.dynamodb.send(new PutItemCommand({ TableName: config.summaryTable, Item: key(`${id}-put`), ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    expect(conditional).toBeInstanceOf(ConditionalCheckFailedException);
  }, 20_000);
});

describe('gsi-read', () => {
  it('at rate 1, Query on the index is throttled as a hot index partition is; Query on the tables is not', async () => {
    const { clients, injector } = faulty(['gsi-read=1']);
    const e = await caught(queryFailedInWindow(clients.dynamodb, config.executionTable, config.gsiName, WINDOW, Date.now()));
    expect(e).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(e).toMatchObject({
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      ThrottlingReasons: [{ reason: 'IndexReadKeyRangeThroughputExceeded', resource: expect.stringMatching(new RegExp(`:table/${config.executionTable}/index/${config.gsiName}$`)) }],
    });
    const onTable = await clients.dynamodb.send(
      new QueryCommand({ TableName: config.executionTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'etl#run-0' } } }),
    );
    expect(onTable.Items).toHaveLength(1);
    expect(injector.counts()[0]).toMatchObject({ attempts: 1, injected: 1 });
  });

  it('at rate 0, the index answers', async () => {
    const { clients, injector } = faulty(['gsi-read=0']);
    const read = await queryFailedInWindow(clients.dynamodb, config.executionTable, config.gsiName, WINDOW, Date.now());
    expect(read.entries).toHaveLength(FAILED_IN_WINDOW);
    expect(injector.counts()[0]).toMatchObject({ attempts: 1, injected: 0 });
  });
});

describe('ses-throttle', () => {
  it('at rate 1, SendEmail answers TooManyRequestsException and nothing reaches the mailbox', async () => {
    const { clients } = faulty(['ses-throttle=1']);
    const to = recipient();
    const e = await caught(sesMailer(clients.ses).send(email(to)));
    expect(e).toBeInstanceOf(TooManyRequestsException);
    expect(e).toMatchObject({ name: 'TooManyRequestsException', $fault: 'client', $metadata: { httpStatusCode: 429, attempts: 1 } });
    expect(e?.message).toBe('Maximum sending rate exceeded. (injected by --fault ses-throttle)');
    expect(await mailbox(to)).toEqual([]);
  });

});

describe('ses-timeout', () => {
  it('at rate 1, SES keeps the message and the caller gets a TimeoutError', async () => {
    const { clients, injector } = faulty(['ses-timeout=1']);
    const to = recipient();
    const e = await caught(sesMailer(clients.ses).send(email(to)));
    expect(e).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: { attempts: 1 } });
    expect(e?.message).toMatch(/\(injected by --fault ses-timeout\)$/);
    expect(await mailbox(to)).toHaveLength(1);
    expect(injector.counts()[0]).toMatchObject({ attempts: 1, injected: 1 });
  });

  it('acts before crash-after-send, whichever order the flags come in: the first kind in the table that hits acts', async () => {
    const clients = testClients({ maxAttempts: 1 });
    onTestFinished(() => destroyClients(clients));
    const crashed: string[] = [];
    const crash = () => {
      crashed.push('crash');
      throw new Error('crash-after-send acted');
    };
    const injector = injectFaults(clients, parseFaultPlan(['crash-after-send=1', 'ses-timeout=1'], '1')!, config, { crash, log: () => {} });
    const e = await caught(sesMailer(clients.ses).send(email(recipient())));
    expect(e).toMatchObject({ name: 'TimeoutError' });
    expect(crashed).toEqual([]);
    expect(injector.counts()).toEqual([
      { kind: 'crash-after-send', rate: 1, attempts: 0, injected: 0 },
      { kind: 'ses-timeout', rate: 1, attempts: 1, injected: 1 },
    ]);
  });

  it('is not retried by the SDK: the SES client makes one attempt, so the message is stored once', async () => {
    const { clients } = faulty(['ses-timeout=1'], { maxAttempts: 0 });
    const to = recipient();
    const e = await caught(sesMailer(clients.ses).send(email(to)));
    expect(e).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 1 } });
    expect(await mailbox(to)).toHaveLength(1);
  });

});

describe('the send-side kinds at rate 0', () => {
  it.each(['ses-throttle', 'ses-timeout', 'crash-after-send'])('%s=0: the email is sent once and its answer arrives', async (kind) => {
    const { clients, injector } = faulty([`${kind}=0`]);
    const to = recipient();
    const id = await sesMailer(clients.ses).send(email(to));
    expect((await mailbox(to)).map((m) => m.messageId)).toEqual([id]);
    expect(injector.counts()).toEqual([{ kind, rate: 0, attempts: 1, injected: 0 }]);
  });
});

describe('a rate of 0.2 fails about a fifth of the attempts, the same ones for the same seed', () => {
  const N = 500;
  // Ten at a time: which attempt draws which number may vary, how many of the 500 draws hit does not.
  const sendAll = async (run: (i: number) => Promise<unknown>) => {
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (next < N) if ((await caught(run(next++))) !== undefined) failed += 1;
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    return failed;
  };

  it.each([
    ['summary-write', 110, (c: Clients, i: number) => c.dynamodb.send(new PutItemCommand({ TableName: config.summaryTable, Item: key(`rate-${i}`) }))],
    ['gsi-read', 87, (c: Clients) => queryFailedInWindow(c.dynamodb, config.executionTable, config.gsiName, WINDOW, Date.now())],
    ['ses-throttle', 109, (c: Clients) => sesMailer(c.ses).send(email('faults-rate@example.com'))],
    ['ses-timeout', 96, (c: Clients) => sesMailer(c.ses).send(email('faults-rate@example.com'))],
  ] as const)('%s: %i of 500 with seed 7', async (kind, expected, run) => {
    const { clients, injector } = faulty([`${kind}=0.2`], { seed: 7 });
    const failed = await sendAll((i) => run(clients, i));
    expect(failed).toBe(expected);
    expect(injector.counts()).toEqual([{ kind, rate: 0.2, attempts: N, injected: expected }]);
    expect(failed / N).toBeGreaterThan(0.15);
    expect(failed / N).toBeLessThan(0.25);
  }, 30_000);
});

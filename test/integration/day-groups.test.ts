import { Logger } from '@aws-lambda-powertools/logger';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { TransactionRetriesExhaustedError } from '../../shared/aws/transact.ts';
import { captureRecord } from '../../shared/capture/capture.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { errorSignature } from '../../shared/signature/signature.ts';
import { MAX_SAMPLE_CHARS, sampleOf } from '../../shared/summary/model/day-group.ts';
import { groupKeyOfEntry, groupSortKey } from '../../shared/summary/model/day-group-key.ts';
import { shardOf } from '../../shared/summary/model/day-entry.ts';
import { groupInfoKey, groupInfoPartition } from '../../shared/summary/model/group-info.ts';
import { signatureIdentity } from '../../shared/summary/model/signature-registry.ts';
import { summaryTableInput } from '../../shared/summary/model/table.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import type { DayWindow } from '../../shared/time/report-day.ts';
import { createStreamConsumerHandler } from '../../functions/stream-consumer/handler.ts';
import { ensureTable } from '../../infra/local/tables.ts';
import { expectExactCounts, failureBatch, freshDays, GROUP_MESSAGES } from '../support/group-check.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { failedWriteRecord } from '../support/stream-record.ts';

const TZ = 'UTC';
const CONTEXT = { awsRequestId: 'r' } as Context;
const MESSAGES = GROUP_MESSAGES;
const freshDay = freshDays('2026-05', TZ);

describe('day group counts under at-least-once delivery, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  const stores: SummaryStore[] = [];
  /** A store as one Lambda container has it: its own caches. */
  const container = (c: Clients = clients) => {
    const s = new SummaryStore(c.doc, config.summaryTable, config.retentionDays);
    stores.push(s);
    return s;
  };
  const handlerOf = (store: SummaryStore, now: number) =>
    createStreamConsumerHandler({
      store,
      evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
      tz: TZ,
      clock: () => now,
      logger: new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }),
    });
  const batch = (w: DayWindow, n: number, seq0 = 1000, job = 'job') => failureBatch(w, n, seq0, job);
  const expectExact = (date: string, total: number) => expectExactCounts(container(), TZ, date, total);
  const rawGroup = async (date: string, pk: string, ts: number, message: string) => {
    const { signature } = errorSignature(message);
    const Key = { pk: groupKeyOfEntry({ pk, event_ts: ts }, TZ, date), sk: groupSortKey(pk.split('#')[0]!, signature, 'execution-log') };
    return (await clients.doc.send(new GetCommand({ TableName: config.summaryTable, Key, ConsistentRead: true }))).Item;
  };
  const rawInfo = async (date: string, process: string, message: string) => {
    const Key = groupInfoKey(TZ, date, { process, signature: errorSignature(message).signature });
    return (await clients.doc.send(new GetCommand({ TableName: config.summaryTable, Key: { pk: Key.pk, sk: Key.sk }, ConsistentRead: true }))).Item;
  };
  const infoItems = async (date: string) =>
    (
      await clients.doc.send(
        new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': groupInfoPartition(TZ, date) }, ConsistentRead: true }),
      )
    ).Items ?? [];

  /** A client whose container dies right after each transaction is answered, while `on`. */
  const crashingAfterTransactions = () => {
    const state = { on: true, clients: testClients() };
    state.clients.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (state.on && context.commandName === 'TransactWriteItemsCommand') throw new Error('the container died after the transaction');
        return result;
      },
      { step: 'initialize', name: 'crashAfterTransaction' },
    );
    return state;
  };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    await ensureTable(clients.dynamodb, summaryTableInput(config.summaryTable));
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('counts a batch once however often it is delivered, whole or bisected', async () => {
    const w = freshDay();
    const records = batch(w, 24);
    const handler = handlerOf(container(), w.end_ms);
    for (let i = 0; i < 3; i++) expect(await handler({ Records: records }, CONTEXT)).toEqual({ batchItemFailures: [] });
    await expectExact(w.date, 24);
    // Lambda's bisection retries half a batch; another container, with caches of its own, retries the other half.
    await handlerOf(container(), w.end_ms)({ Records: records.slice(0, 12) }, CONTEXT);
    await handlerOf(container(), w.end_ms)({ Records: records.slice(12) }, CONTEXT);
    await expectExact(w.date, 24);
  });

  it('counts once when two consumers capture the same records at the same moment', async () => {
    const w = freshDay();
    const records = batch(w, 24);
    const [a, b] = [container(), container()];
    await Promise.all([handlerOf(a, w.end_ms)({ Records: records }, CONTEXT), handlerOf(b, w.end_ms)({ Records: records }, CONTEXT)]);
    await Promise.all(records.flatMap((r) => [a, b, container()].map((store) => captureRecord({ store, tz: TZ, clock: () => w.end_ms }, r))));
    await expectExact(w.date, 24);
  });

  it('heals first and last on the redelivery after a crash between the transaction and the min/max updates', async () => {
    const w = freshDay();
    const [earlyTs, middleTs, lateTs] = [w.start_ms + 60_000, w.start_ms + 3_600_000, w.start_ms + 7_200_000];
    const shard = shardOf('etl#middle', middleTs);
    // Three failures of one process and signature on one entry shard: one group item.
    const onShard = (name: string, ts: number) => {
      for (let i = 0; ; i++) if (shardOf(`etl#${name}-${i}`, ts) === shard) return `etl#${name}-${i}`;
    };
    const message = `disk full on volume ${'x'.repeat(900)}`;
    expect(errorSignature(message).template.length).toBeLessThan(message.length);
    const rec = (pk: string, ts: number, sequence: number) => failedWriteRecord({ pk, ts, sequence, message });
    const middle = rec('etl#middle', middleTs, 5001);
    const late = rec(onShard('late', lateTs), lateTs, 5002);
    const early = rec(onShard('early', earlyTs), earlyTs, 5003);

    await captureRecord({ store: container(), tz: TZ, clock: () => w.end_ms }, middle);
    const crash = crashingAfterTransactions();
    const crashing = crash.clients;
    const deps = { store: container(crashing), tz: TZ, clock: () => w.end_ms };
    await expect(captureRecord(deps, late)).rejects.toThrow(/died/);
    await expect(captureRecord(deps, early)).rejects.toThrow(/died/);
    expect(await rawGroup(w.date, 'etl#middle', middleTs, message)).toMatchObject({ n: 3, first: middleTs, last: middleTs, lpk: 'etl#middle' });

    // Lambda retries the records, here on the same warm container: its cache learnt nothing from the crash.
    crash.on = false;
    expect(await captureRecord(deps, late)).toBe('superseded');
    expect(await captureRecord(deps, early)).toBe('superseded');
    const healed = await rawGroup(w.date, 'etl#middle', middleTs, message);
    expect(healed).toMatchObject({ n: 3, first: earlyTs, last: lateTs, lpk: late.dynamodb!.Keys!['pk']!.S });
    // Counts and times only: the text is the group info's.
    expect(Object.keys(healed!).sort()).toEqual(['expires_at', 'first', 'last', 'lpk', 'n', 'pk', 'sk']);
    await expectExact(w.date, 3);
    destroyClients(crashing);
  });

  it('puts a group\'s info once: a crash before it is healed by the retry, a redelivery or a later failure leaves it as it was', async () => {
    const w = freshDay();
    const ts = w.start_ms + 60_000;
    const message = `TimeoutError: upstream took 30000 ms\n${'    at call (upstream.js:1:1)\n'.repeat(40)}`;
    const first = failedWriteRecord({ pk: 'infos#run-1', ts, sequence: 8001, message });
    const later = failedWriteRecord({ pk: 'infos#run-2', ts: ts + 1, sequence: 8002, message: 'TimeoutError: upstream took 12 ms' });
    expect(errorSignature(later.dynamodb!.NewImage!['message']!.S!).signature).toBe(errorSignature(message).signature);

    const crash = crashingAfterTransactions();
    const crashing = crash.clients;
    const deps = { store: container(crashing), tz: TZ, clock: () => w.end_ms };
    await expect(captureRecord(deps, first)).rejects.toThrow(/died/);
    expect(await infoItems(w.date)).toEqual([]);
    crash.on = false;
    expect(await captureRecord(deps, first)).toBe('superseded');
    const info = await rawInfo(w.date, 'infos', message);
    // From the whole message in the stream image, longer than the entry's head.
    expect(info).toMatchObject({ tpl: errorSignature(message).template, smp: sampleOf(message) });
    expect(String(info?.['smp'])).toHaveLength(MAX_SAMPLE_CHARS);

    // Redelivered to another container, and a later failure of the group: the first message stays.
    await captureRecord({ store: container(), tz: TZ, clock: () => w.end_ms }, first);
    await captureRecord({ store: container(), tz: TZ, clock: () => w.end_ms }, later);
    expect(await infoItems(w.date)).toEqual([info]);
    await expectExact(w.date, 2);
    destroyClients(crashing);
  });

  it('fails the record when its group info cannot be written, and writes it on the retry', async () => {
    const w = freshDay();
    const faulty = testClients();
    let refuse = true;
    faulty.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (refuse && context.commandName === 'PutItemCommand') throw new Error('the group info could not be written');
        return next(args);
      },
      { step: 'initialize', name: 'refuseInfo' },
    );
    const deps = { store: container(faulty), tz: TZ, clock: () => w.end_ms };
    const [record] = batch(w, 1);
    await expect(captureRecord(deps, record!)).rejects.toThrow(/could not be written/);
    refuse = false;
    expect(await captureRecord(deps, record!)).toBe('superseded');
    expect(await infoItems(w.date)).toHaveLength(1);
    await expectExact(w.date, 1);
    destroyClients(faulty);
  });

  it('moves the count exactly when a MODIFY rewrites the message into another group, in either order and redelivered', async () => {
    const w = freshDay();
    const ts = w.start_ms + 600_000;
    const insert = failedWriteRecord({ pk: 'billing#run-7', ts, sequence: 7001, message: 'disk full on /dev/sda1' });
    const modify = failedWriteRecord({ pk: 'billing#run-7', ts, sequence: 7002, message: 'KeyError: customer_id', eventName: 'MODIFY' });
    const other = failedWriteRecord({ pk: 'billing#run-8', ts: ts + 1, sequence: 7003, message: 'disk full on /dev/sda1' });
    const deps = { store: container(), tz: TZ, clock: () => w.end_ms };
    for (const r of [insert, other, modify, insert, modify, other]) await captureRecord(deps, r);
    expect(await rawGroup(w.date, 'billing#run-7', ts, 'disk full on /dev/sda1')).toMatchObject({ n: 0 });
    expect(await rawGroup(w.date, 'billing#run-7', ts, 'KeyError: customer_id')).toMatchObject({ n: 1 });
    expect(await rawInfo(w.date, 'billing', 'KeyError: customer_id')).toMatchObject({ smp: 'KeyError: customer_id', tpl: 'KeyError: customer_id' });
    await expectExact(w.date, 2);

    // The newer record first (a parallel batch, another container): the older one is superseded and moves nothing.
    const w2 = freshDay();
    const at = (r: DynamoDBRecord) => {
      const c = structuredClone(r);
      c.dynamodb!.NewImage!['event_ts'] = { N: String(w2.start_ms + 600_000) };
      return c;
    };
    const later = { store: container(), tz: TZ, clock: () => w2.end_ms };
    expect(await captureRecord(later, at(modify))).toBe('captured');
    expect(await captureRecord(later, at(insert))).toBe('superseded');
    await Promise.all([captureRecord(later, at(insert)), captureRecord({ ...later, store: container() }, at(modify))]);
    expect(await rawGroup(w2.date, 'billing#run-7', w2.start_ms + 600_000, 'disk full on /dev/sda1')).toBeUndefined();
    await expectExact(w2.date, 1);
  });

  it('retries a transaction that conflicts or is throttled, and gives the record back once its retries are spent', async () => {
    const w = freshDay();
    const faulty = testClients();
    let cancel = 0;
    let sent = 0;
    faulty.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        sent += 1;
        if (cancel <= 0) return next(args);
        cancel -= 1;
        const Code = cancel % 2 === 0 ? 'TransactionConflict' : 'ThrottlingError';
        throw new TransactionCanceledException({
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [None, ${Code}]`,
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: [{ Code: 'None' }, { Code }],
        });
      },
      { step: 'initialize', name: 'cancelTransactions' },
    );
    const deps = { store: container(faulty), tz: TZ, clock: () => w.end_ms };
    const [first, second] = batch(w, 2);
    cancel = 3;
    expect(await captureRecord(deps, first!)).toBe('captured');
    expect(sent).toBe(4);
    cancel = 1_000;
    await expect(captureRecord(deps, second!)).rejects.toBeInstanceOf(TransactionRetriesExhaustedError);
    await expectExact(w.date, 1);
    cancel = 0;
    expect(await captureRecord(deps, second!)).toBe('captured');
    await expectExact(w.date, 2);
    destroyClients(faulty);
  });

  it('registers each signature with when it was first and last seen', async () => {
    const w = freshDay();
    const store = container();
    // Processes of their own: the registry spans days, and earlier tests' failures are in it.
    const records = batch(w, 12, 1000, 'reg');
    await handlerOf(store, w.end_ms)({ Records: records }, CONTEXT);
    const ids = records.map((r) => ({ process: String(r.dynamodb!.Keys!['pk']!.S).split('#')[0]!, signature: errorSignature(String(r.dynamodb!.NewImage!['message']!.S)).signature }));
    const found = await store.getSignatures([...ids, { process: 'never-failed', signature: '0000000000000000' }]);
    expect(found.size).toBe(new Set(ids.map((id) => `${id.process}/${id.signature}`)).size);
    const reg0Disk = [...found.values()].find((r) => r.process === 'reg-0' && r.template.startsWith('disk full'))!;
    // reg-0 fails at i = 0, 4, 8; the disk message is i % 3 = 0: i = 0 only.
    expect(reg0Disk).toMatchObject({ first_ts: w.start_ms, last_ts: w.start_ms });
    const late = failedWriteRecord({ pk: 'reg-0#run-late', ts: w.end_ms - 1, sequence: 9999, message: MESSAGES[0]! });
    // A later sighting in another container (this one refreshes at most hourly) moves last seen.
    await captureRecord({ store: container(), tz: TZ, clock: () => w.end_ms }, late);
    expect((await store.getSignatures([reg0Disk])).get(signatureIdentity(reg0Disk))).toMatchObject({ first_ts: w.start_ms, last_ts: w.end_ms - 1 });
  });
});

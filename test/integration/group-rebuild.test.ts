import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { captureRecord } from '../../shared/capture/capture.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { rebuildDay } from '../../shared/reprocess/reprocess.ts';
import { vouchableFromMs } from '../../shared/reprocess/vouch.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { DAY_ENTRY, shardOf } from '../../shared/summary/model/day-entry.ts';
import { entryShardsOf, groupKey, groupShardOf } from '../../shared/summary/model/day-group-key.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import type { DayWindow } from '../../shared/time/report-day.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { afterRequest, expectExactCounts, failureBatch, freshDays, GROUP_MESSAGES, sortedGroups } from '../support/group-check.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { failureEntry } from '../support/failure-entry.ts';
import { failedWriteRecord } from '../support/stream-record.ts';

const TZ = 'America/New_York';
const MESSAGES = GROUP_MESSAGES;
const freshDay = freshDays('2026-02', TZ);

describe('reprocess rebuilds day groups exactly, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: SummaryStore;
  const captureAll = async (w: DayWindow, records: readonly DynamoDBRecord[]) => {
    const deps = { store: new SummaryStore(clients.doc, config.summaryTable, config.retentionDays), tz: TZ, clock: () => w.end_ms };
    for (const r of records) await captureRecord(deps, r);
  };
  const records = failureBatch;
  const expectExact = (date: string, total: number) => expectExactCounts(store, TZ, date, total);

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    await ensureLocalTables(clients.dynamodb, config);
    store = new SummaryStore(clients.doc, config.summaryTable, config.retentionDays);
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('leaves the groups capture kept exactly as they were, however often it runs', async () => {
    const w = freshDay();
    await captureAll(w, records(w, 30, 100));
    const captured = await sortedGroups(store, TZ, w.date);
    expect(captured.reduce((n, g) => n + g.count, 0)).toBe(30);
    for (let i = 0; i < 2; i++) {
      await store.rebuildGroups(TZ, w.date, w.end_ms);
      expect(await sortedGroups(store, TZ, w.date)).toEqual(captured);
    }
  });

  it('counts a day whose entries were written before groups were kept, and removes counts with no entry behind them', async () => {
    const w = freshDay();
    const entries = Array.from({ length: 20 }, (_, i) =>
      failureEntry({ pk: `legacy-${i % 3}#run-${i}`, process: `legacy-${i % 3}`, event_ts: w.start_ms + i * 1000, message: MESSAGES[i % 3]!, source: 'execution-log' }),
    );
    // BatchWriteItem of bare entries: the path days were written by before groups existed.
    await store.putEntries(entries.map((entry) => ({ entry, day: w.date })), TZ, w.end_ms);
    // And a count gone wrong: an item of a group with no entry, and one left at -1 by a move.
    await clients.doc.send(new PutCommand({ TableName: config.summaryTable, Item: { pk: groupKey(TZ, w.date, 3), sk: 'f'.repeat(16) + '#0:#ghost', proc: 'ghost', sig: 'f'.repeat(16), n: 5, src: '', first: 1, last: 1 } }));
    await clients.doc.send(new PutCommand({ TableName: config.summaryTable, Item: { pk: groupKey(TZ, w.date, 2), sk: '0'.repeat(16) + '#0:#moved', n: -1 } }));
    expect(await store.readGroups(TZ, w.date)).toHaveLength(1);
    const rebuilt = await store.rebuildGroups(TZ, w.date, w.end_ms);
    expect(rebuilt.deleted).toBe(2);
    await expectExact(w.date, 20);
    const legacy0 = (await store.readGroups(TZ, w.date)).find((g) => g.process === 'legacy-0')!;
    const mine = entries.filter((e) => e.process === 'legacy-0');
    expect(legacy0).toMatchObject({ count: mine.length, first_ts: mine[0]!.event_ts, last_ts: mine.at(-1)!.event_ts, latest_pk: mine.at(-1)!.pk });
    // Each group found gets its info, from its entries' heads: the ghost, with no entry, gets none.
    const infos = await store.readGroupInfos(TZ, w.date);
    expect([...infos.values()].map((i) => [i.process, i.sample]).sort()).toEqual([0, 1, 2].map((k) => [`legacy-${k}`, MESSAGES[k]!]));
  });

  it('gives a day reprocess rebuilds from the index the counts capture gave it', async () => {
    const w = freshDay();
    const captured = records(w, 16, 300);
    // The same failures in the execution log, which the index reads back.
    for (const r of captured) {
      const image = r.dynamodb!.NewImage! as Record<string, { S?: string; N?: string }>;
      await clients.dynamodb.send(new PutItemCommand({ TableName: config.executionTable, Item: image as never }));
    }
    await captureAll(w, captured);
    const byCapture = await sortedGroups(store, TZ, w.date);
    const deps = { ...digestDeps(clients, config), store, clock: () => vouchableFromMs(w) };
    expect(await rebuildDay(deps, w.date, TZ)).toMatchObject({ entries: 16, complete: true });
    expect(await sortedGroups(store, TZ, w.date)).toEqual(byCapture);
    await rebuildDay(deps, w.date, TZ);
    expect(await sortedGroups(store, TZ, w.date)).toEqual(byCapture);
  });

  // A group shard counts two entry shards, read one after the other: a capture may land in either, before or after it is read.
  it.each([0, 1])('loses no count to a capture that lands between its reads and its writes, in entry shard %i of the group shard', async (which) => {
    const w = freshDay();
    await captureAll(w, records(w, 12, 500 + which * 100));
    const target = records(w, 12, 500 + which * 100)[0]!;
    const pair = entryShardsOf(groupShardOf(shardOf(target.dynamodb!.Keys!['pk']!.S!, w.start_ms)));
    // A new failure of the same process and signature, in the same group shard: its transaction bumps the very `n` the rebuild read.
    let i = 0;
    const ts = w.start_ms + 3_600_000;
    while (shardOf(`job-0#late-${i}`, ts) !== pair[which]) i++;
    const late = failedWriteRecord({ pk: `job-0#late-${i}`, ts, sequence: 900 + which, message: MESSAGES[0]! });
    const rebuilding = testClients();
    // Right after the first entry shard of the pair is read: the late entry is missed there, or seen in the second.
    afterRequest(
      rebuilding.dynamodb,
      'captureMeanwhile',
      (command, input) => command === 'QueryCommand' && JSON.stringify(input['ExpressionAttributeValues']).includes(`${DAY_ENTRY.prefix}${TZ}#${w.date}#0${pair[0]}`),
      () => captureAll(w, [late]),
    );
    const rebuilt = await new SummaryStore(rebuilding.doc, config.summaryTable, config.retentionDays).rebuildGroups(TZ, w.date, w.end_ms);
    expect(rebuilt.redone).toBe(1);
    await expectExact(w.date, 13);
    destroyClients(rebuilding);
  });
});

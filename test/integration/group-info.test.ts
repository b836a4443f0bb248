import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { captureRecord } from '../../shared/capture/capture.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { layoutOf, TOP_GROUPS } from '../../shared/digest/layout.ts';
import { buildDigest } from '../../shared/digest/run-digest.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { errorSignature } from '../../shared/signature/signature.ts';
import { shardOf } from '../../shared/summary/model/day-entry.ts';
import { sampleOf, type DayGroup } from '../../shared/summary/model/day-group.ts';
import { rollupOf } from '../../shared/summary/model/day-rollup.ts';
import { groupKey, groupSortKey, readableGroupKeys } from '../../shared/summary/model/day-group-key.ts';
import { GROUP_INFO, groupInfoPartition, groupInfoSortKey } from '../../shared/summary/model/group-info.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { addDays, type DayWindow } from '../../shared/time/report-day.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { expectExactCounts, freshDays } from '../support/group-check.ts';
import { failureEntry } from '../support/failure-entry.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { failedWriteRecord } from '../support/stream-record.ts';

const TZ = 'Europe/Paris';
const freshDay = freshDays('2026-04', TZ);
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima'];
/** A message longer than an entry keeps, so a sample of 600 characters can only come from the group info. */
const messageOf = (word: string, run: number) => `Error: ${word} failed in run ${run}\n${`    at step (/app/${word}.js:1:1)\n`.repeat(30)}`;

describe('group info: the text of the groups the digest shows, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: SummaryStore;

  /** Keys of each BatchGetItem of group info items this client sends. */
  const infoKeysAsked = (c: Clients): (() => string[][]) => {
    const asked: string[][] = [];
    c.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand') {
          // The document client's input, before it is marshalled.
          const keys = Object.values((args.input as { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }).RequestItems).flatMap((r) => r.Keys);
          const infos = keys.filter((k) => k.pk.startsWith(GROUP_INFO.prefix)).map((k) => k.sk);
          if (infos.length > 0) asked.push(infos);
        }
        return next(args);
      },
      { step: 'initialize', name: 'infoKeysAsked' },
    );
    return () => asked;
  };
  const deps = (c: Clients, w: DayWindow) => ({ ...digestDeps(c, config, { drops: INLINE_DROPS }), clock: () => w.end_ms + 9 * 3_600_000 });

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    await ensureLocalTables(clients.dynamodb, config);
    store = new SummaryStore(clients.doc, config.summaryTable, config.retentionDays);
    // Groups are known from long before these days: the digest reads what capture kept.
    await store.ensureCoverage(TZ, Date.parse('2026-01-01T00:00:00Z'));
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('gives the shown groups the template and sample of their info, in one batch of exactly those', async () => {
    const w = freshDay();
    // Twelve groups, the first with the most failures: ten are shown, two are not.
    let seq = 1;
    const capture = { store: new SummaryStore(clients.doc, config.summaryTable, config.retentionDays), tz: TZ, clock: () => w.end_ms };
    for (const [i, word] of WORDS.entries()) {
      for (let run = 0; run < WORDS.length - i; run++) {
        await captureRecord(capture, failedWriteRecord({ pk: `${word}#run-${run}`, ts: w.start_ms + seq * 1000, sequence: seq, message: messageOf(word, run) }));
        seq += 1;
      }
    }
    // Each seen the day before, so none is new: new groups are all shown, and only the top ones should be.
    const seen = WORDS.map((word) => ({ process: word, signature: errorSignature(messageOf(word, 0)).signature, count: 1 }));
    await store.putRollup(TZ, addDays(w.date, -1), rollupOf(seen as unknown as DayGroup[]), w.end_ms);
    const reading = testClients();
    const asked = infoKeysAsked(reading);
    const report = await buildDigest(deps(reading, w), w.date, TZ, 'summary');
    expect(report.count).toBe((WORDS.length * (WORDS.length + 1)) / 2);
    const shown = layoutOf(report.groups).shown;
    expect(shown).toHaveLength(TOP_GROUPS);
    expect(asked()).toEqual([shown.map((g) => groupInfoSortKey(g.process, g.signature))]);
    const alpha = report.groups.find((g) => g.process === 'alpha')!;
    // The first message seen of the group, whole up to its sample's length: an entry keeps far less.
    expect(alpha).toMatchObject({ template: errorSignature(messageOf('alpha', 0)).template, sample: sampleOf(messageOf('alpha', 0)), error_line: 'Error: alpha failed in run 0' });
    for (const g of report.groups.filter((g) => !shown.includes(g))) {
      // Not shown: its text is not read, only the template every CSV row gets.
      expect(g.sample).toBe('');
      expect(g.template).toBe(errorSignature(messageOf(g.process, 0)).template);
    }
    destroyClients(reading);
  });

  it('reads a day of the older layout, eight group shards with their text, and a rebuild moves it into the four', async () => {
    const w = freshDay();
    const entries = WORDS.slice(0, 3).flatMap((word, i) =>
      Array.from({ length: 4 }, (_, run) => failureEntry({ pk: `${word}#run-${run}`, process: word, event_ts: w.start_ms + i * 10_000 + run, message: messageOf(word, run), source: 'execution-log' })),
    );
    await store.putEntries(entries.map((entry) => ({ entry, day: w.date })), TZ, w.end_ms);
    // As the older code wrote them: a group item per entry shard, with the template and the latest message's sample.
    const older = new Map<string, Record<string, unknown>>();
    for (const e of entries) {
      const shard = shardOf(e.pk, e.event_ts);
      const key = `${shard}/${e.process}`;
      const seen = older.get(key);
      const sk = groupSortKey(e.process, e.signature, e.source);
      older.set(key, { pk: groupKey(TZ, w.date, shard), sk, proc: e.process, sig: e.signature, tpl: `older ${e.template}`, src: e.source, n: Number(seen?.['n'] ?? 0) + 1, first: seen?.['first'] ?? e.event_ts, last: e.event_ts, lpk: e.pk, smp: `older sample of ${e.process}` });
    }
    expect([...older.values()].some((item) => Number(String(item['pk']).slice(-2)) >= 4)).toBe(true);
    for (const Item of older.values()) await clients.doc.send(new PutCommand({ TableName: config.summaryTable, Item }));

    const report = await buildDigest(deps(clients, w), w.date, TZ, 'summary');
    expect(report.sourceNote).not.toMatch(/differ/);
    expect(report.groups.map((g) => [g.process, g.count, g.template, g.sample])).toEqual(
      WORDS.slice(0, 3).map((word) => [word, 4, `older ${errorSignature(messageOf(word, 0)).template}`, `older sample of ${word}`]).sort((a, b) => String(b[0]).localeCompare(String(a[0]))),
    );

    await store.rebuildGroups(TZ, w.date, w.end_ms);
    await expectExactCounts(store, TZ, w.date, 12);
    const left = await Promise.all(
      readableGroupKeys(TZ, w.date).map(async (pk) => (await clients.doc.send(new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }))).Items ?? []),
    );
    expect(left.slice(4).flat()).toEqual([]);
    expect(left.slice(0, 4).flat().every((item) => !('smp' in item) && !('tpl' in item))).toBe(true);
    // The older text is kept in the info the rebuild wrote, so the email reads as it did.
    const again = await buildDigest(deps(clients, w), w.date, TZ, 'summary');
    expect(again.groups.map((g) => [g.process, g.count, g.sample])).toEqual(report.groups.map((g) => [g.process, g.count, g.sample]));
  });

  it('shows a group without info or older text without a template, and still counts it', async () => {
    const w = freshDay();
    const record = failedWriteRecord({ pk: 'bare#run-1', ts: w.start_ms + 1000, sequence: 1, message: messageOf('bare', 1) });
    await captureRecord({ store, tz: TZ, clock: () => w.end_ms }, record);
    const infos = (await clients.doc.send(new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': groupInfoPartition(TZ, w.date) } }))).Items ?? [];
    expect(infos).toHaveLength(1);
    // Lost, as on a day before info items: the digest must still go out.
    await clients.doc.send(new DeleteCommand({ TableName: config.summaryTable, Key: { pk: infos[0]!['pk'], sk: infos[0]!['sk'] } }));
    const report = await buildDigest(deps(clients, w), w.date, TZ, 'summary');
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({ process: 'bare', count: 1, template: '', sample: '' });
  });
});

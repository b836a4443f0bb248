import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { buildDigest } from '../../shared/digest/run-digest.ts';
import { rebuildDay, type ReprocessDeps } from '../../shared/reprocess/reprocess.ts';
import { vouchableFromMs } from '../../shared/reprocess/vouch.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { errorSignature } from '../../shared/signature/signature.ts';
import { allDayKeys } from '../../shared/summary/model/day-entry.ts';
import { expiresAt } from '../../shared/summary/model/table.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';

const TZ = 'Europe/Berlin';
const LOST = 'RetryAttemptsExhausted on shard shardId-00000001';

/** The real store, plus an on-failure mark landing on the day while the rebuild writes its entries. */
class MarkedWhileRebuilding extends SummaryStore {
  markAt?: { date: string; ms: number };
  override async putEntries(...args: Parameters<SummaryStore['putEntries']>): Promise<void> {
    await super.putEntries(...args);
    if (this.markAt) await this.markIncomplete(TZ, this.markAt.date, LOST, this.markAt.ms);
  }
}

describe('reprocess vouches for a day only after the fact, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: MarkedWhileRebuilding;
  const at = (clockMs: number): ReprocessDeps => ({ ...digestDeps(clients, config), store, clock: () => clockMs });

  /** A day with two failures in the execution log. */
  async function dayWithFailures(date: string): Promise<void> {
    const w = dayWindow(date, TZ);
    for (const [i, ts] of [w.start_ms + 1, w.end_ms - 1].entries()) {
      await clients.dynamodb.send(
        new PutItemCommand({
          TableName: config.executionTable,
          Item: { pk: { S: `${date}#run-${i}` }, status: { S: 'FAILED' }, event_ts: { N: String(ts) }, message: { S: 'boom' } },
        }),
      );
    }
  }

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    await ensureLocalTables(clients.dynamodb, config);
    store = new MarkedWhileRebuilding(clients.doc, config.summaryTable, config.retentionDays);
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('rebuilds a day that is not over, or only just over, without marking it complete', async () => {
    const date = '2026-03-29'; // 23 hours in Berlin
    await dayWithFailures(date);
    const w = dayWindow(date, TZ);
    const during = await rebuildDay(at(w.start_ms + 3_600_000), date, TZ);
    expect(during).toMatchObject({ date, tz: TZ, entries: 2, complete: false });
    expect(during.why).toMatch(/^the day is not over: it ends at 2026-03-29T22:00:00.000Z, and a rebuild vouches for it from 2026-03-30T06:00:00.000Z, 8 h later/);

    const justAfter = await rebuildDay(at(vouchableFromMs(w) - 1), date, TZ);
    expect(justAfter).toMatchObject({ entries: 2, complete: false });
    expect(justAfter.why).toMatch(/^the day has only just ended/);
    expect(await store.getDayState(TZ, date)).toBeUndefined();
    expect(await store.readDay(TZ, date)).toHaveLength(2);

    const after = await rebuildDay(at(vouchableFromMs(w)), date, TZ);
    expect(after).toEqual({ date, tz: TZ, entries: 2, unreadable: 0, complete: true });
    expect(await store.getDayState(TZ, date)).toEqual({ incomplete: false, rebuiltMs: vouchableFromMs(w) });
    expect((await buildDigest({ ...digestDeps(clients, config, { drops: INLINE_DROPS }), store }, date, TZ)).sourceNote).toMatch(/^Complete: rebuilt from the index by reprocess/);
  });

  it('repairs a day marked incomplete before the rebuild began', async () => {
    const date = '2026-04-01';
    await dayWithFailures(date);
    const later = vouchableFromMs(dayWindow(date, TZ)) + 86_400_000;
    await store.markIncomplete(TZ, date, LOST, later - 60_000);
    expect(await rebuildDay(at(later), date, TZ)).toMatchObject({ complete: true });
    expect(await store.getDayState(TZ, date)).toEqual({ incomplete: false, rebuiltMs: later });
  });

  it.each([
    ['a day with no mark before', undefined],
    ['a day already marked incomplete before', 60_000],
  ])('does not mark complete over an incomplete mark made while it ran: %s', async (_label, markedBefore) => {
    const date = markedBefore === undefined ? '2026-04-02' : '2026-04-03';
    await dayWithFailures(date);
    const later = vouchableFromMs(dayWindow(date, TZ)) + 86_400_000;
    if (markedBefore !== undefined) await store.markIncomplete(TZ, date, 'an earlier loss', later - markedBefore);
    store.markAt = { date, ms: later + 1 };
    try {
      const rebuilt = await rebuildDay(at(later), date, TZ);
      expect(rebuilt).toEqual({
        date,
        tz: TZ,
        entries: 2,
        unreadable: 0,
        complete: false,
        why: `the day was marked incomplete while the rebuild ran (${LOST}); run reprocess again`,
      });
    } finally {
      delete store.markAt;
    }
    expect(await store.getDayState(TZ, date)).toEqual({ incomplete: true, reason: LOST, incompleteMs: later + 1 });
    expect((await buildDigest({ ...digestDeps(clients, config), store }, date, TZ)).source).toBe('gsi');
    // A rerun, with the mark now older than its start, repairs the day.
    expect(await rebuildDay(at(later + 2), date, TZ)).toMatchObject({ complete: true });
  });

  it('keeps what it writes for the retention period from the rebuild, however old the day', async () => {
    const date = '2025-06-01';
    await dayWithFailures(date);
    const now = Date.parse('2026-12-01T12:00:00Z');
    await rebuildDay(at(now), date, TZ);
    const query = (pk: string) =>
      clients.doc.send(new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    const items = (await Promise.all(allDayKeys(TZ, date).map(query))).flatMap((out) => out.Items ?? []);
    expect(items.map((i) => i['expires_at'])).toEqual([expiresAt(now, config.retentionDays), expiresAt(now, config.retentionDays)]);
  });

  it('signs what it rebuilds from the whole message in the index, as capture does', async () => {
    const date = '2025-07-01';
    const w = dayWindow(date, TZ);
    const frames = Array.from({ length: 15 }, (_, i) => `\tat com.acme.batch.JobRunner.run(JobRunner.java:${40 + i})`).join('\n');
    const message = `java.lang.IllegalStateException: ledger 2025-07 is closed\n${frames}\nCaused by: java.io.IOException: reset`;
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: config.executionTable,
        Item: { pk: { S: 'ledger-close#run-1' }, status: { S: 'FAILED' }, event_ts: { N: String(w.start_ms + 60_000) }, message: { S: message } },
      }),
    );
    await rebuildDay(at(Date.parse('2026-12-01T12:00:00Z')), date, TZ);
    const expected = errorSignature(message);
    expect(expected.template).toBe('java.lang.IllegalStateException: ledger <int>-<int> is closed');
    expect((await store.readDay(TZ, date)).map((e) => [e.signature, e.template])).toEqual([[expected.signature, expected.template]]);
  });
});

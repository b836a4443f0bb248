import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { summaryTableInput } from '../../shared/summary/model/table.ts';
import { SummaryStore, type ReadStats } from '../../shared/summary/store.ts';
import { ensureTable } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { failureEntry } from '../support/failure-entry.ts';

const TZ = 'Europe/Paris';
const DAY = '2026-11-25';
const START = Date.parse('2026-11-24T23:00:00Z');

describe('streaming a day from the summary on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: SummaryStore;
  const entries: FailureEntry[] = [];

  beforeAll(async () => {
    clients = testClients();
    config = testConfig();
    await ensureTable(clients.dynamodb, summaryTableInput(config.summaryTable));
    store = new SummaryStore(clients.doc, config.summaryTable, 90);
    // Times out of order and some shared, with messages long enough that a shard takes several 1 MB pages.
    for (let i = 0; i < 900; i++) {
      const ts = START + ((i * 7919) % 600) * 60_000;
      entries.push(failureEntry({ pk: `job-${i % 13}#run-${i}`, process: `job-${i % 13}`, event_ts: ts, message: `Error: disk full on volume ${i} ${'x'.repeat(150)}`, source: 'execution-log' }));
    }
    await store.putEntries(entries.map((entry) => ({ entry, day: DAY })), TZ, START);
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('yields every entry once, oldest first, ties by pk', async () => {
    const streamed: FailureEntry[] = [];
    for await (const e of store.streamDay(TZ, DAY)) streamed.push(e);
    const expected = [...entries].sort((a, b) => a.event_ts - b.event_ts || (a.pk < b.pk ? -1 : 1)).map((e) => `${e.event_ts} ${e.pk}`);
    expect(streamed.map((e) => `${e.event_ts} ${e.pk}`)).toEqual(expected);
  });

  it('reads what readDay reads, at the same cost', async () => {
    const streamStats: ReadStats = { pages: 0, rcu: 0 };
    const dayStats: ReadStats = { pages: 0, rcu: 0 };
    let n = 0;
    for await (const _ of store.streamDay(TZ, DAY, { stats: streamStats })) n += 1;
    const day = await store.readDay(TZ, DAY, dayStats);
    expect(n).toBe(day.length);
    expect(streamStats).toEqual(dayStats);
  });

  it('gives each entry the template of its signature from the groups', async () => {
    const sig = entries[0]!.signature;
    const templates = new Map([[sig, 'Error: disk full on volume <int> <word>']]);
    for await (const e of store.streamDay(TZ, DAY, { templates })) {
      expect(e.signature).toBe(sig);
      expect(e.template).toBe('Error: disk full on volume <int> <word>');
    }
  });
});

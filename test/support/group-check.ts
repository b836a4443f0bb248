import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { expect } from 'vitest';
import { groupIdentity, groupsOfEntries, type DayGroup } from '../../shared/summary/model/day-group.ts';
import type { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow, type DayWindow } from '../../shared/time/report-day.ts';
import { failedWriteRecord } from './stream-record.ts';

/** Three errors of three signatures. */
export const GROUP_MESSAGES = ['disk full on /dev/sda1', 'TimeoutError: upstream took 30000 ms', 'KeyError: customer_id'];

/** Report days of one month, a fresh one per call: counts of one test never meet another's. */
export function freshDays(month: string, tz: string): () => DayWindow {
  let day = 0;
  return () => dayWindow(`${month}-${String(++day).padStart(2, '0')}`, tz);
}

/** `n` FAILED writes over a day, of four processes (`job-0`...) and the three messages in turn. */
export function failureBatch(w: DayWindow, n: number, seq0: number, job = 'job'): DynamoDBRecord[] {
  return Array.from({ length: n }, (_, i) =>
    failedWriteRecord({ pk: `${job}-${i % 4}#run-${seq0 + i}`, ts: w.start_ms + i * 60_000, sequence: seq0 + i, message: GROUP_MESSAGES[i % 3]! }),
  );
}

/** The groups count exactly the stored entries, per group, and `total` in all. */
export async function expectExactCounts(store: SummaryStore, tz: string, date: string, total: number): Promise<void> {
  const { groups, entries } = await countsOf(store, tz, date);
  expect(groups).toEqual(entries);
  expect(Object.values(groups).reduce((a, b) => a + b, 0)).toBe(total);
}

/** A day's groups in a stable order, for comparing two reads. */
export async function sortedGroups(store: SummaryStore, tz: string, date: string): Promise<DayGroup[]> {
  return (await store.readGroups(tz, date)).sort((a, b) => groupIdentity(a).localeCompare(groupIdentity(b)));
}

/** Per (process, signature): the count the groups keep and the number of entries stored. */
export async function countsOf(store: SummaryStore, tz: string, date: string): Promise<{ groups: Record<string, number>; entries: Record<string, number> }> {
  const byId = (gs: readonly DayGroup[]) => Object.fromEntries(gs.map((g) => [groupIdentity(g), g.count]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return { groups: byId(await store.readGroups(tz, date)), entries: byId(groupsOfEntries(await store.readDay(tz, date))) };
}

/**
 * Runs `hook` once, right after the first request `when` picks has been
 * answered, before its caller sees the answer: the moment between two steps
 * of a store's work, on a client of the test's own.
 */
export function afterRequest(client: DynamoDBClient, name: string, when: (commandName: string, input: Record<string, unknown>) => boolean, hook: () => Promise<void>): void {
  let done = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (!done && when(context.commandName ?? '', args.input as Record<string, unknown>)) {
        done = true;
        await hook();
      }
      return result;
    },
    { step: 'initialize', name },
  );
}

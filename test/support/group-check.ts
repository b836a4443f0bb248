import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { groupIdentity, groupsOfEntries, type DayGroup } from '../../shared/summary/model/day-group.ts';
import type { SummaryStore } from '../../shared/summary/store.ts';

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

import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clients } from '../../shared/aws/clients.ts';
import { queryFailedInWindow } from '../../shared/source/gsi.ts';
import { readHistory } from '../../shared/digest/read-history.ts';
import { buildReport } from '../../shared/digest/report.ts';
import { withShownInfo } from '../../shared/digest/shown-info.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { itemBytes, pagedReadUnits, requestReadUnits } from './capacity.ts';
import type { LoadedDay } from './days.ts';
import type { ReadMeter } from './meter.ts';

/** Read units of each part of one day's digest, by AWS's rules, against the index query users run today. */
export interface DigestCostRow {
  readonly failures: number;
  readonly groups: number;
  /** The email body: the day's groups, the week's rollups (or groups where no rollup is kept) and the shown groups' info. */
  readonly body_rcu: number;
  /** Of the body, the BatchGetItem of the shown groups' info (and of the rollups). */
  readonly body_batch_get_rcu: number;
  /** How many groups the body read info for. */
  readonly shown: number;
  /** The body and the CSV: the day's group info (its templates) and every entry of the day, streamed. */
  readonly whole_rcu: number;
  readonly gsi_rcu: number;
  readonly body_ratio: number;
  readonly whole_ratio: number;
}

/**
 * The read units of every BatchGetItem a client answers while on: the meter
 * sees Query and Scan pages only. BatchGetItem rounds each item up to 4 KB
 * on its own, half for an eventually consistent read, which it is here.
 */
function batchGetMeter(client: DynamoDBClient): { on: boolean; units: number } {
  const state = { on: false, units: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (!state.on || context.commandName !== 'BatchGetItemCommand') return result;
      const responses = (result.output as { Responses?: Record<string, Record<string, unknown>[]> }).Responses ?? {};
      for (const item of Object.values(responses).flat()) {
        const attributes = Object.values(item).every((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) ? (item as Record<string, AttributeValue>) : marshall(item);
        state.units += requestReadUnits(itemBytes(attributes));
      }
      return result;
    },
    { step: 'build', name: 'benchBatchGetMeter' },
  );
  return state;
}

async function measured<T>(meter: ReadMeter, batchGets: { on: boolean; units: number }, fn: () => Promise<T>): Promise<{ value: T; rcu: number; batchGetRcu: number }> {
  meter.start();
  batchGets.on = true;
  batchGets.units = 0;
  try {
    const value = await fn();
    const pages = meter.stop();
    return { value, rcu: pagedReadUnits(pages.map((p) => p.itemBytes)) + batchGets.units, batchGetRcu: batchGets.units };
  } catch (e) {
    meter.stop();
    throw e;
  } finally {
    batchGets.on = false;
  }
}

const NOT_JUDGED = { complete: false, missing: [], waitable: false } as const;

/**
 * What the digest reads, part by part, with the reads it makes: the body
 * (SummaryStore.readGroups and readHistory, then the info of the groups the
 * email shows, withShownInfo, as run-digest does) and the CSV (the day's
 * group info for its templates, readGroupInfos, and SummaryStore.streamDay),
 * side by side with the GSI query of the same day.
 */
export async function measureDigestCost(clients: Clients, meter: ReadMeter, day: LoadedDay): Promise<DigestCostRow> {
  const store = new SummaryStore(clients.doc, day.config.summaryTable, day.config.retentionDays);
  const batchGets = batchGetMeter(clients.dynamodb);
  const window = dayWindow(day.date, day.tz);
  const body = await measured(meter, batchGets, async () => {
    const [groups, history] = await Promise.all([store.readGroups(day.tz, day.date), readHistory(store, day.tz, day.date, Date.now())]);
    const report = buildReport({ window, source: 'summary', sourceNote: '', completeness: NOT_JUDGED, groups, unreadable: 0, statusVariants: null, history });
    return withShownInfo(report, (ids) => store.getGroupInfos(day.tz, day.date, ids));
  });
  const counted = body.value.count;
  if (counted !== day.failures) throw new Error(`the groups of ${day.date} count ${counted} failures, expected ${day.failures}`);
  const shown = body.value.groups.filter((g) => g.sample !== '');
  if (shown.length === 0) throw new Error(`no group of ${day.date} got its info`);
  const csv = await measured(meter, batchGets, async () => {
    const templates = new Map([...(await store.readGroupInfos(day.tz, day.date)).values()].map((i) => [i.signature, i.template]));
    let n = 0;
    for await (const _ of store.streamDay(day.tz, day.date, { templates })) n += 1;
    return n;
  });
  if (csv.value !== day.failures) throw new Error(`the entries of ${day.date} are ${csv.value}, expected ${day.failures}`);
  const gsi = await measured(meter, batchGets, () => queryFailedInWindow(clients.dynamodb, day.config.executionTable, day.config.gsiName, window, Date.now()));
  const whole = body.rcu + csv.rcu;
  return {
    failures: day.failures,
    groups: body.value.groups.length,
    body_rcu: body.rcu,
    body_batch_get_rcu: body.batchGetRcu,
    shown: shown.length,
    whole_rcu: whole,
    gsi_rcu: gsi.rcu,
    body_ratio: body.rcu / gsi.rcu,
    whole_ratio: whole / gsi.rcu,
  };
}

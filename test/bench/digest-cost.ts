import type { Clients } from '../../shared/aws/clients.ts';
import { queryFailedInWindow } from '../../shared/source/gsi.ts';
import { readHistory } from '../../shared/digest/read-history.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { pagedReadUnits } from './capacity.ts';
import type { LoadedDay } from './days.ts';
import type { ReadMeter } from './meter.ts';

/** Read units of each part of one day's digest, by AWS's rules, against the index query users run today. */
export interface DigestCostRow {
  readonly failures: number;
  readonly groups: number;
  /** The email body: the day's groups and the week's rollups (or groups where no rollup is kept). */
  readonly body_rcu: number;
  /** The body and the CSV: every entry of the day, streamed. */
  readonly whole_rcu: number;
  readonly gsi_rcu: number;
  readonly body_ratio: number;
  readonly whole_ratio: number;
}

async function measured<T>(meter: ReadMeter, fn: () => Promise<T>): Promise<{ value: T; rcu: number }> {
  meter.start();
  let pages;
  try {
    const value = await fn();
    pages = meter.stop();
    return { value, rcu: pagedReadUnits(pages.map((p) => p.itemBytes)) };
  } catch (e) {
    meter.stop();
    throw e;
  }
}

/**
 * What the digest reads, part by part, with the reads it makes: the body
 * (SummaryStore.readGroups and readHistory, as run-digest does) and the CSV
 * (SummaryStore.streamDay), side by side with the GSI query of the same day.
 */
export async function measureDigestCost(clients: Clients, meter: ReadMeter, day: LoadedDay): Promise<DigestCostRow> {
  const store = new SummaryStore(clients.doc, day.config.summaryTable, day.config.retentionDays);
  const body = await measured(meter, async () => {
    const [groups] = await Promise.all([store.readGroups(day.tz, day.date), readHistory(store, day.tz, day.date, Date.now())]);
    return groups;
  });
  const counted = body.value.reduce((n, g) => n + g.count, 0);
  if (counted !== day.failures) throw new Error(`the groups of ${day.date} count ${counted} failures, expected ${day.failures}`);
  const csv = await measured(meter, async () => {
    let n = 0;
    for await (const _ of store.streamDay(day.tz, day.date)) n += 1;
    return n;
  });
  if (csv.value !== day.failures) throw new Error(`the entries of ${day.date} are ${csv.value}, expected ${day.failures}`);
  const gsi = await measured(meter, () => queryFailedInWindow(clients.dynamodb, day.config.executionTable, day.config.gsiName, dayWindow(day.date, day.tz), Date.now()));
  const whole = body.rcu + csv.rcu;
  return {
    failures: day.failures,
    groups: body.value.length,
    body_rcu: body.rcu,
    whole_rcu: whole,
    gsi_rcu: gsi.rcu,
    body_ratio: body.rcu / gsi.rcu,
    whole_ratio: whole / gsi.rcu,
  };
}

import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clients } from '../../shared/aws/clients.ts';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { readExecutionItem, type FailureEntry } from '../../shared/capture/entry.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { shardOf } from '../../shared/summary/model/day-entry.ts';
import { groupIdentity, groupOfEntry, mergeGroup, type DayGroup } from '../../shared/summary/model/day-group.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { mulberry32 } from '../../infra/local/demo-data.ts';
import { benchMessage, processNames } from './data.ts';
import { groupItemsOf } from './group-items.ts';

export interface LargeDay {
  readonly failures: number;
  readonly date: string;
  readonly tz: string;
  readonly config: DigestConfig;
  readonly groups: number;
  readonly loadMs: number;
}

const CHUNK = 10_000;

/**
 * A report day of hundreds of thousands of failures written straight into
 * the summary, as capture leaves it (entries and their groups), and marked
 * rebuilt: the days the memory targets are measured on. It never holds the
 * day: failures are made and written CHUNK at a time, and only the groups
 * are kept. Messages, processes and their Zipf weights are the other days'.
 */
export async function loadLargeDay(clients: Clients, config: DigestConfig, date: string, failures: number, log: (m: string) => void): Promise<LargeDay> {
  const started = performance.now();
  await ensureLocalTables(clients.dynamodb, config);
  const tz = config.reportTz;
  const store = new SummaryStore(clients.doc, config.summaryTable, config.retentionDays);
  const window = dayWindow(date, tz);
  const rng = mulberry32(failures);
  const procs = processNames(150);
  const weights = procs.map((_, i) => 1 / (i + 1) ** 1.1);
  const total = weights.reduce((s, w) => s + w, 0);
  const pick = () => {
    let u = rng() * total;
    for (let i = 0; i < procs.length; i++) if ((u -= weights[i]!) <= 0) return procs[i]!;
    return procs.at(-1)!;
  };
  // Per shard: each group's part of it, as capture keeps them.
  const parts = new Map<string, { shard: number; group: DayGroup }>();
  const nowMs = window.end_ms + 86_400_000;
  for (let done = 0; done < failures; done += CHUNK) {
    const chunk: { entry: FailureEntry; day: string }[] = [];
    for (let i = done; i < Math.min(failures, done + CHUNK); i++) {
      const proc = pick();
      const image = marshall({ pk: `${proc}#run-${i}`, status: 'FAILED', event_ts: Math.floor(window.start_ms + rng() * (window.end_ms - window.start_ms)), message: benchMessage(rng, proc) });
      const read = readExecutionItem(image, nowMs);
      if (read.kind !== 'failure') throw new Error(`bench failure ${i} did not read as one: ${read.kind}`);
      chunk.push({ entry: read.entry, day: date });
      const shard = shardOf(read.entry.pk, read.entry.event_ts);
      const one = groupOfEntry(read.entry);
      const id = `${shard}\u0000${groupIdentity(one)}`;
      const seen = parts.get(id);
      parts.set(id, { shard, group: seen ? mergeGroup(seen.group, one) : one });
    }
    await store.putEntries(chunk, tz, nowMs);
    if ((done / CHUNK) % 10 === 9) log(`  ${(done + CHUNK).toLocaleString('en-US')} of ${failures.toLocaleString('en-US')} written`);
  }
  await batchPutAll(clients.doc, config.summaryTable, groupItemsOf([...parts.values()], tz, date, nowMs, config.retentionDays), 8);
  if (!(await store.markRebuilt(tz, date, nowMs, undefined))) throw new Error(`could not mark ${date} rebuilt`);
  const groups = new Set([...parts.values()].map((p) => groupIdentity(p.group))).size;
  return { failures, date, tz, config, groups, loadMs: performance.now() - started };
}

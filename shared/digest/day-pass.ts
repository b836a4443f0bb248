import type { FailureEntry } from '../capture/entry.ts';
import { groupIdentity, groupOfEntry, mergeGroup, type DayGroup } from '../summary/model/day-group.ts';
import { failuresCsv, type CsvAttachment, type CsvOptions } from './csv.ts';
import { SpellingTally, type StatusVariants } from './report.ts';

/** What one read of a day's entries gives: the CSV, and the counts to check the groups against. */
export interface DayPass {
  readonly csv: CsvAttachment;
  readonly count: number;
  /** The day's groups as its entries make them. */
  readonly tallied: readonly DayGroup[];
  readonly statusVariants: StatusVariants;
}

/**
 * Reads the day's entries once, as they stream: each goes into the CSV, and
 * is counted into its group and its status spelling. What is kept follows
 * the groups, never the failures.
 */
export async function passOverDay(
  entries: AsyncIterable<FailureEntry> | Iterable<FailureEntry>,
  baseName: string,
  options: CsvOptions & { readonly gzipAboveBytes?: number },
): Promise<DayPass> {
  const groups = new Map<string, DayGroup>();
  const spellings = new SpellingTally();
  let count = 0;
  async function* counted() {
    for await (const entry of entries) {
      count += 1;
      spellings.add(entry.writtenStatus);
      const one = groupOfEntry(entry);
      const id = groupIdentity(one);
      const seen = groups.get(id);
      groups.set(id, seen ? mergeGroup(seen, one) : one);
      yield entry;
    }
  }
  const csv = await failuresCsv(counted(), baseName, options);
  return { csv, count, tallied: [...groups.values()], statusVariants: spellings.variants() };
}

export interface CheckedGroups {
  readonly groups: readonly DayGroup[];
  /** Groups whose kept count is not what the entries show: they are reported from the entries. */
  readonly disagreeing: number;
}

function sameCount(a: DayGroup, b: DayGroup): boolean {
  if (a.count !== b.count || a.first_ts !== b.first_ts || a.last_ts !== b.last_ts) return false;
  const sources = Object.entries(a.source_counts);
  return sources.length === Object.keys(b.source_counts).length && sources.every(([s, n]) => b.source_counts[s] === n);
}

/**
 * The groups capture kept, checked against the entries read for the CSV.
 * The entries are the evidence: where a group's count or times differ (a
 * day captured before groups were kept, a late failure captured while the
 * digest read), the entries' numbers are shown, with the kept group's sample
 * and template, which are made from the whole message. Pure.
 */
export function checkGroups(kept: readonly DayGroup[], tallied: readonly DayGroup[]): CheckedGroups {
  const byId = new Map(kept.map((g) => [groupIdentity(g), g]));
  let disagreeing = 0;
  const groups = tallied.map((t) => {
    const k = byId.get(groupIdentity(t));
    byId.delete(groupIdentity(t));
    if (k && sameCount(k, t)) return k;
    disagreeing += 1;
    return k ? { ...t, template: k.template, ...(k.last_ts === t.last_ts ? { sample: k.sample, latest_pk: k.latest_pk } : {}) } : t;
  });
  // Kept groups with no entry at all: counted, but nothing of theirs is in the day.
  return { groups, disagreeing: disagreeing + byId.size };
}

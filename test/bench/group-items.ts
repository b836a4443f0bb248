import { DAY_GROUP, groupKey, groupSortKey, type DayGroup } from '../../shared/summary/model/day-group.ts';
import { expiresAt, SUMMARY_TABLE, type SummaryItem } from '../../shared/summary/model/table.ts';

/** Group items as capture leaves them: one per group, source and shard. */
export function groupItemsOf(parts: readonly { shard: number; group: DayGroup }[], tz: string, date: string, capturedMs: number, retentionDays: number): SummaryItem[] {
  const a = DAY_GROUP.attributes;
  return parts.flatMap(({ shard, group: g }) =>
    Object.entries(g.source_counts).map(([source, n]) => ({
      [SUMMARY_TABLE.partitionKey]: groupKey(tz, date, shard),
      [SUMMARY_TABLE.sortKey]: groupSortKey(g.process, g.signature, source),
      [a.process]: g.process,
      [a.signature]: g.signature,
      [a.template]: g.template,
      [a.source]: source,
      [a.count]: n,
      [a.firstTs]: g.first_ts,
      [a.lastTs]: g.last_ts,
      [a.latestPk]: g.latest_pk,
      [a.sample]: g.sample,
      [SUMMARY_TABLE.ttlAttribute]: expiresAt(capturedMs, retentionDays),
    })),
  );
}

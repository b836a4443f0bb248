import { keyItem, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * Coverage: one item per zone saying since when the consumer has seen every
 * write. The digest reads the summary for days after that instant and the
 * GSI for days before it.
 */
export const COVERAGE = {
  prefix: 'COVERAGE#',
  sortKey: 'COVERAGE',
  attributes: { sinceMs: 'since_ms' },
} as const;

export function coverageKey(tz: string): SummaryKey {
  return { pk: `${COVERAGE.prefix}${tz}`, sk: COVERAGE.sortKey };
}

export function coverageItem(tz: string, sinceMs: number): SummaryItem {
  return { ...keyItem(coverageKey(tz)), [COVERAGE.attributes.sinceMs]: sinceMs };
}

/** Since when capture has seen every write, in epoch ms. */
export function coverageFromItem(item: SummaryItem): number {
  return Number(item[COVERAGE.attributes.sinceMs]);
}

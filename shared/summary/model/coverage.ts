import { keyItem, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * Coverage: one item per zone saying since when the consumer has seen every
 * write. The digest reads the summary for days after that instant and the
 * GSI for days before it.
 */
export const COVERAGE = {
  prefix: 'COVERAGE#',
  sortKey: 'COVERAGE',
  /**
   * Beside it, since when capture has kept the day groups: a consumer from
   * before groups were kept covered days whose groups are missing, and the
   * digest must not read their empty history as "no failures".
   */
  groupsSortKey: 'GROUPS',
  attributes: { sinceMs: 'since_ms' },
} as const;

export type CoverageOf = 'entries' | 'groups';

export function coverageKey(tz: string, of: CoverageOf = 'entries'): SummaryKey {
  return { pk: `${COVERAGE.prefix}${tz}`, sk: of === 'entries' ? COVERAGE.sortKey : COVERAGE.groupsSortKey };
}

export function coverageItem(tz: string, sinceMs: number, of: CoverageOf = 'entries'): SummaryItem {
  return { ...keyItem(coverageKey(tz, of)), [COVERAGE.attributes.sinceMs]: sinceMs };
}

/** Since when capture has seen every write, in epoch ms. */
export function coverageFromItem(item: SummaryItem): number {
  return Number(item[COVERAGE.attributes.sinceMs]);
}

import { keyItem, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * Day state: per report day, whether its summary can be trusted. Reprocess
 * marks a day rebuilt; lost stream records mark it incomplete, and the
 * digest then reads the GSI instead. An incomplete mark records when it was
 * made, so a rebuild can tell a mark made while it ran from one it repairs.
 */
export const DAY_STATE = {
  prefix: 'DAYSTATE#',
  sortKey: 'STATE',
  attributes: { incomplete: 'incomplete', reason: 'reason', rebuiltMs: 'rebuilt_ms', incompleteMs: 'incomplete_ms' },
} as const;

export interface DayState {
  readonly incomplete: boolean;
  readonly reason?: string;
  readonly rebuiltMs?: number;
  /** When the day was last marked incomplete; absent on marks made before this was kept. */
  readonly incompleteMs?: number;
}

export function dayStateKey(tz: string, date: string): SummaryKey {
  return { pk: `${DAY_STATE.prefix}${tz}#${date}`, sk: DAY_STATE.sortKey };
}

/** A rebuilt day, replacing whatever state it had: the rebuild read every failure again. */
export function rebuiltDayStateItem(tz: string, date: string, rebuiltMs: number): SummaryItem {
  const a = DAY_STATE.attributes;
  return { ...keyItem(dayStateKey(tz, date)), [a.incomplete]: false, [a.rebuiltMs]: rebuiltMs };
}

/** What marking a day incomplete sets; an earlier rebuild time stays. */
export function incompleteFields(reason: string, markedMs: number): SummaryItem {
  const a = DAY_STATE.attributes;
  return { [a.incomplete]: true, [a.reason]: reason, [a.incompleteMs]: markedMs };
}

export function dayStateFromItem(item: SummaryItem): DayState {
  const a = DAY_STATE.attributes;
  const reason = item[a.reason];
  const rebuilt = item[a.rebuiltMs];
  const marked = item[a.incompleteMs];
  return {
    incomplete: item[a.incomplete] === true,
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof rebuilt === 'number' ? { rebuiltMs: rebuilt } : {}),
    ...(typeof marked === 'number' ? { incompleteMs: marked } : {}),
  };
}

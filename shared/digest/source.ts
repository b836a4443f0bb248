import type { DayState } from '../summary/model/day-state.ts';
import type { DayWindow } from '../time/report-day.ts';
import type { ReportSource } from './report.ts';

export interface SourceChoice {
  readonly source: ReportSource;
  readonly note: string;
}

/**
 * Whether a day can be read from the summary table: capture must have been
 * running since before the day began (or the day was rebuilt by reprocess),
 * and no records of the day may have been lost since. Pure.
 */
export function chooseSource(window: DayWindow, coverageSinceMs: number | undefined, state: DayState | undefined): SourceChoice {
  if (state?.incomplete) {
    return { source: 'gsi', note: `The captured summary of this day is marked incomplete (${state.reason ?? 'records were lost'}).` };
  }
  if (state?.rebuiltMs !== undefined) {
    return { source: 'summary', note: `Rebuilt by reprocess at ${new Date(state.rebuiltMs).toISOString()}.` };
  }
  if (coverageSinceMs === undefined) {
    return { source: 'gsi', note: 'Stream capture has not recorded any data for this zone yet.' };
  }
  if (coverageSinceMs > window.start_ms) {
    return { source: 'gsi', note: `Stream capture began at ${new Date(coverageSinceMs).toISOString()}, after this day started.` };
  }
  return { source: 'summary', note: '' };
}

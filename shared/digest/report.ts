import type { FailureEntry } from '../capture/entry.ts';
import { exceptionLineOf } from '../signature/exception-line.ts';
import type { Completeness } from '../evidence/completeness.ts';
import type { DayWindow } from '../time/report-day.ts';

export type ReportSource = 'summary' | 'gsi';

export interface ProcessGroup {
  readonly process: string;
  readonly count: number;
  readonly first_ts: number;
  readonly last_ts: number;
  readonly latest_pk: string;
  readonly latest_message: string;
  /**
   * The line of the latest message that names the error (a traceback's last
   * line, a stack trace's first): what the email shows, frames left out.
   */
  readonly latest_error: string;
  readonly sources: readonly string[];
}

const TRACEBACK = /^Traceback \(most recent call last\):?$/m;

/**
 * The error line of a failure. A Python traceback names its error last, so
 * one whose stored head was cut (it ends in `…`) may have lost that line: it
 * shows the template, made from the whole message at capture.
 */
export function errorLineOf(entry: FailureEntry): string {
  if (TRACEBACK.test(entry.message) && (entry.message.endsWith('…') || TRACEBACK.test(exceptionLineOf(entry.message)))) return entry.template;
  return exceptionLineOf(entry.message);
}

/**
 * Failures whose status was FAILED only once trimmed and case-folded
 * (`failed`, `"FAILED "`): the GSI cannot find them, so the writer needs fixing.
 */
export interface StatusVariants {
  readonly count: number;
  /** Each spelling once, most frequent first. */
  readonly values: readonly string[];
}

export interface DigestReport {
  readonly window: DayWindow;
  readonly source: ReportSource;
  /** Why this source was used, for the reader of the email. */
  readonly sourceNote: string;
  /** Whether the source holds every failure of the day, with the evidence or what is missing. */
  readonly completeness: Completeness;
  readonly count: number;
  readonly unreadable: number;
  /** Null when the source cannot see them: the GSI only holds status exactly FAILED. */
  readonly statusVariants: StatusVariants | null;
  readonly groups: readonly ProcessGroup[];
  /** Every failure of the day, oldest first, each once. */
  readonly failures: readonly FailureEntry[];
}

export interface ReportInput {
  readonly window: DayWindow;
  readonly source: ReportSource;
  readonly sourceNote: string;
  readonly completeness: Completeness;
  readonly entries: readonly FailureEntry[];
  readonly unreadable: number;
}

function byTime(a: FailureEntry, b: FailureEntry): number {
  return a.event_ts - b.event_ts || (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0);
}

function statusVariantsOf(failures: readonly FailureEntry[]): StatusVariants {
  const counts = new Map<string, number>();
  for (const f of failures) if (f.writtenStatus !== undefined) counts.set(f.writtenStatus, (counts.get(f.writtenStatus) ?? 0) + 1);
  const values = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
  return { count: [...counts.values()].reduce((n, c) => n + c, 0), values };
}

/** Groups a day's failures by process, most failures first. Pure. */
export function buildReport(input: ReportInput): DigestReport {
  const { window } = input;
  const seen = new Set<string>();
  const failures = input.entries
    .filter((e) => e.event_ts >= window.start_ms && e.event_ts < window.end_ms)
    .filter((e) => {
      const id = `${e.pk}\u0000${e.event_ts}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort(byTime);

  const groups = new Map<string, { count: number; first: FailureEntry; last: FailureEntry; sources: Set<string> }>();
  for (const f of failures) {
    const g = groups.get(f.process);
    if (!g) groups.set(f.process, { count: 1, first: f, last: f, sources: new Set([f.source]) });
    else {
      g.count += 1;
      g.last = f;
      g.sources.add(f.source);
    }
  }
  const grouped: ProcessGroup[] = [...groups.entries()]
    .map(([process, g]) => ({
      process,
      count: g.count,
      first_ts: g.first.event_ts,
      last_ts: g.last.event_ts,
      latest_pk: g.last.pk,
      latest_message: g.last.message,
      latest_error: errorLineOf(g.last),
      sources: [...g.sources].sort(),
    }))
    .sort((a, b) => b.count - a.count || b.last_ts - a.last_ts || a.process.localeCompare(b.process));

  return {
    window,
    source: input.source,
    sourceNote: input.sourceNote,
    completeness: input.completeness,
    count: failures.length,
    unreadable: input.unreadable,
    statusVariants: input.source === 'gsi' ? null : statusVariantsOf(failures),
    groups: grouped,
    failures,
  };
}

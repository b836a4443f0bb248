import type { ReportGroup } from './report.ts';

/** The top groups of the day are shown in full, whatever else is. */
export const TOP_GROUPS = 10;
/** At most this many groups are shown in full: the top ones, then new ones, worst first. */
export const MAX_GROUPS_SHOWN = 50;
/** Below the groups, a line per remaining process, at most this many; then one line for the rest. */
export const MAX_PROCESS_LINES = 200;

/** The failures of one process that are not among the groups shown. */
export interface RemainingProcess {
  readonly process: string;
  readonly count: number;
  /** How many of its groups are not shown. */
  readonly groups: number;
  /** Some other group of the process is shown above: these are "more" failures of it. */
  readonly alsoShown: boolean;
}

export interface DigestLayout {
  /** Worst first. */
  readonly shown: readonly ReportGroup[];
  /** Most failures first. */
  readonly processes: readonly RemainingProcess[];
  /** What is beyond the process lines; none when every process has its line. */
  readonly rest: { readonly processes: number; readonly failures: number } | undefined;
}

/**
 * What the email shows of `groups` (worst first). The top TOP_GROUPS, and
 * every new group however small (a new error is the one a reader has not
 * yet seen anywhere), up to MAX_GROUPS_SHOWN, so a storm of new errors still
 * makes a readable email. Every other group is counted in its process's line,
 * so no failure is only "and 4,900 more": at most MAX_PROCESS_LINES of those,
 * then one line for what is left, which the attached CSV lists. Pure.
 */
export function layoutOf(groups: readonly ReportGroup[]): DigestLayout {
  const shown: ReportGroup[] = [];
  const hidden: ReportGroup[] = [];
  for (const [i, g] of groups.entries()) {
    if ((i < TOP_GROUPS || g.new) && shown.length < MAX_GROUPS_SHOWN) shown.push(g);
    else hidden.push(g);
  }
  const shownProcesses = new Set(shown.map((g) => g.process));
  const byProcess = new Map<string, { count: number; groups: number }>();
  for (const g of hidden) {
    const p = byProcess.get(g.process) ?? { count: 0, groups: 0 };
    byProcess.set(g.process, { count: p.count + g.count, groups: p.groups + 1 });
  }
  const all = [...byProcess.entries()]
    .map(([process, p]) => ({ process, ...p, alsoShown: shownProcesses.has(process) }))
    .sort((a, b) => b.count - a.count || (a.process < b.process ? -1 : a.process > b.process ? 1 : 0));
  const beyond = all.slice(MAX_PROCESS_LINES);
  return {
    shown,
    processes: all.slice(0, MAX_PROCESS_LINES),
    rest: beyond.length === 0 ? undefined : { processes: beyond.length, failures: beyond.reduce((n, p) => n + p.count, 0) },
  };
}

import { errorLineOf } from '../signature/error-line.ts';
import { withInfo } from '../summary/model/day-group.ts';
import { groupInfoIdentity, type GroupInfo, type GroupInfoId } from '../summary/model/group-info.ts';
import { layoutOf } from './layout.ts';
import type { DigestReport, ReportGroup } from './report.ts';

/** The info of some groups of the report's day, by groupInfoIdentity: SummaryStore.getGroupInfos. */
export type GroupInfoReader = (ids: readonly GroupInfoId[]) => Promise<ReadonlyMap<string, GroupInfo>>;

/** A shown group with its info's template and sample, and the error line they make. Pure. */
export function shownWithInfo(group: ReportGroup, info: GroupInfo | undefined): ReportGroup {
  const filled = withInfo(group, info);
  return filled === group ? group : { ...filled, error_line: errorLineOf(filled.sample, filled.template) };
}

/**
 * The report with the template and sample of the groups its email shows
 * (layoutOf), read in one batch: the groups' own items hold counts only,
 * so the body reads text for at most MAX_GROUPS_SHOWN groups however many
 * the day has. The layout does not depend on the text, so it is the same
 * after. A group without info (a day written before info items) keeps what
 * it had; an empty template is shown as none.
 */
export async function withShownInfo(report: DigestReport, read: GroupInfoReader): Promise<DigestReport> {
  const shown = layoutOf(report.groups).shown;
  if (shown.length === 0) return report;
  const infos = await read(shown.map(({ process, signature }) => ({ process, signature })));
  const ids = new Set(shown.map(groupInfoIdentity));
  const groups = report.groups.map((g) => (ids.has(groupInfoIdentity(g)) ? shownWithInfo(g, infos.get(groupInfoIdentity(g))) : g));
  return { ...report, groups };
}

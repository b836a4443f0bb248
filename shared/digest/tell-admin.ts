import { notSentNotice } from '../admin/notice.ts';
import type { AdminNotifier } from '../admin/notifier.ts';
import type { OutgoingEmail } from '../email/mailer.ts';
import type { ReportArchive } from './archive.ts';

export interface TellAdminDeps {
  readonly admin: AdminNotifier;
  /** Where a report that did not go out is kept; none configured: the notice says so. */
  readonly archive: ReportArchive | undefined;
  readonly clock: () => number;
}

export interface NotSent {
  readonly tz: string;
  readonly date: string;
  readonly status: 'failed' | 'in-doubt';
  readonly reason: string;
  readonly email: OutgoingEmail;
  readonly count: number;
  readonly source: string;
}

/** What became of telling the administrators: said in the run's output, so a person sees it either way. */
export interface AdminOutcome {
  readonly told: boolean;
  /** The notice's message id, or why nobody could be told. */
  readonly detail: string;
  /** Where the report was kept, if it was. */
  readonly keptAt?: string;
}

/**
 * Keeps the report that did not go out, then tells the administrators by a
 * path that does not need SES. Neither step may hide the original failure,
 * so each failure of its own is reported, never thrown.
 */
export async function tellAdmin(deps: TellAdminDeps, n: NotSent): Promise<AdminOutcome> {
  const nowMs = deps.clock();
  let kept: { at: string } | { not: string };
  if (!deps.archive) kept = { not: 'no report archive is configured (REPORT_ARCHIVE)' };
  else {
    try {
      const { from, to, subject, text, html } = n.email;
      const at = await deps.archive.keep({ tz: n.tz, date: n.date, from, to: [...to], subject, text, html, count: n.count, source: n.source, keptMs: nowMs, status: n.status });
      kept = { at };
    } catch (e) {
      kept = { not: `keeping it failed: ${(e as Error).message}` };
    }
  }
  const notice = notSentNotice({ date: n.date, tz: n.tz, status: n.status, reason: n.reason, to: n.email.to, kept, count: n.count, atMs: nowMs });
  const told = await deps.admin.notify(notice);
  return {
    told: told.told,
    detail: told.told ? told.messageId : told.why,
    ...('at' in kept ? { keptAt: kept.at } : {}),
  };
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Mailer } from '../email/mailer.ts';
import { describeCompleteness } from '../evidence/completeness.ts';
import { queryFailedInWindow } from '../source/gsi.ts';
import { dayWindow } from '../time/report-day.ts';
import { renderEmail, type RenderedEmail } from './render.ts';
import { buildReport, type DigestReport } from './report.ts';
import { chooseSource, type SourceChoice, type SourceDeps } from './source.ts';
import { countUnreadable } from './unreadable-count.ts';

export interface DigestDeps extends SourceDeps {
  readonly dynamodb: DynamoDBClient;
  readonly executionTable: string;
  readonly gsiName: string;
  readonly mailer: Mailer;
  readonly clock: () => number;
}

export interface DigestOptions {
  readonly date: string;
  readonly tz: string;
  readonly from: string;
  readonly to: readonly string[];
  /** Send even when a sent-marker says the day went out. @default false */
  readonly force?: boolean;
  /** Build the report, send nothing, touch no marker. @default false */
  readonly dryRun?: boolean;
  /** Send a short email on a day without failures. @default true */
  readonly sendEmpty?: boolean;
  /** Read this source whatever the coverage says (tests, benchmark). */
  readonly source?: 'summary' | 'gsi';
}

export type DigestStatus = 'sent' | 'already-sent' | 'in-progress' | 'dry-run' | 'skipped-empty';

export interface DigestOutcome {
  readonly status: DigestStatus;
  readonly report: DigestReport;
  readonly email: RenderedEmail;
  readonly messageId?: string;
}

// Longer than any send takes; a crashed run's claim frees itself after this.
const SEND_LEASE_MS = 10 * 60_000;

/** Reads one report day from the best complete source and builds its report. */
export async function buildDigest(deps: DigestDeps, date: string, tz: string, forced?: 'summary' | 'gsi'): Promise<DigestReport> {
  const window = dayWindow(date, tz);
  const unreadableRecords = await deps.store.listUnreadable(window.tz, window.date);
  const chosen = await chooseSource({ ...deps, captureWaitMs: forced ? 0 : deps.captureWaitMs }, window);
  const choice: SourceChoice = forced ? { ...chosen, source: forced, note: describeCompleteness(chosen.completeness) } : chosen;
  const summary = async (note: string) => {
    const entries = await deps.store.readDay(window.tz, window.date);
    return buildReport({ window, source: 'summary', sourceNote: note, completeness: choice.completeness, entries, unreadable: unreadableRecords.length });
  };
  if (choice.source === 'summary') return summary(choice.note);
  let read;
  try {
    read = await queryFailedInWindow(deps.dynamodb, deps.executionTable, deps.gsiName, window, deps.clock());
  } catch (e) {
    if (forced) throw e;
    // Neither source is shown complete: send what the summary has, and say plainly what may be missing.
    return summary(`${choice.note.replace(/ Read from the index instead\.$/, '')} The index could not be read either (${(e as Error).message}), so this report comes from the summary and may be missing failures.`);
  }
  return buildReport({
    window,
    source: 'gsi',
    sourceNote: choice.note,
    completeness: choice.completeness,
    entries: read.entries,
    unreadable: countUnreadable(unreadableRecords, read.unreadable),
  });
}

/** One email per report day: claim the day, send, confirm; give the claim back if sending fails. */
export async function runDigest(deps: DigestDeps, options: DigestOptions): Promise<DigestOutcome> {
  const report = await buildDigest(deps, options.date, options.tz, options.source);
  const email = renderEmail(report);
  const { tz, date } = report.window;
  if (options.dryRun) return { status: 'dry-run', report, email };
  if (report.count === 0 && report.unreadable === 0 && options.sendEmpty === false) {
    return { status: 'skipped-empty', report, email };
  }

  const claim = await deps.store.claimSend(tz, date, deps.clock(), SEND_LEASE_MS, options.force === true);
  if (claim.kind === 'already-sent') return { status: 'already-sent', report, email, messageId: claim.messageId };
  if (claim.kind === 'in-progress') return { status: 'in-progress', report, email };

  let messageId: string;
  try {
    messageId = await deps.mailer.send({ from: options.from, to: options.to, ...email });
  } catch (e) {
    await deps.store.releaseSend(tz, date, claim.token);
    throw e;
  }
  await deps.store.confirmSend(tz, date, claim.token, { messageId, sentMs: deps.clock(), count: report.count, source: report.source });
  return { status: 'sent', report, email, messageId };
}

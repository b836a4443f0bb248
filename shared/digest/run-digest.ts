import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Mailer, OutgoingEmail } from '../email/mailer.ts';
import type { SendLedger } from '../ledger/send-ledger.ts';
import { describeCompleteness } from '../evidence/completeness.ts';
import { queryFailedInWindow } from '../source/gsi.ts';
import { dayWindow, type DayWindow } from '../time/report-day.ts';
import { renderEmail, type AttachmentNote, type RenderedEmail } from './render.ts';
import type { CsvAttachment } from './csv.ts';
import { checkGroups, passOverDay, type DayPass } from './day-pass.ts';
import { buildReport, dayEntries, type DigestReport } from './report.ts';
import { templatesOf, type DayGroup } from '../summary/model/day-group.ts';
import { withShownInfo } from './shown-info.ts';
import { groupsKnownFor, readHistory } from './read-history.ts';
import { rollupOf } from '../summary/model/day-rollup.ts';
import { vouchableFromMs } from '../reprocess/vouch.ts';
import { chooseSource, type SourceChoice, type SourceDeps } from './source.ts';
import { countUnreadable } from './unreadable-count.ts';
import { deliver } from './deliver.ts';
import type { AdminNotifier } from '../admin/notifier.ts';
import type { ReportArchive } from './archive.ts';
import { tellAdmin, type AdminOutcome } from './tell-admin.ts';

export interface DigestDeps extends SourceDeps {
  readonly dynamodb: DynamoDBClient;
  readonly executionTable: string;
  readonly gsiName: string;
  readonly mailer: Mailer;
  readonly ledger: SendLedger;
  readonly clock: () => number;
  /** The time by which this run is done or gone: how long its claim on a day lasts. */
  readonly deadlineMs: () => number;
  /** Told when this run could not get the day's email out. */
  readonly admin: AdminNotifier;
  /** Where a report that did not go out is kept for `resend`. */
  readonly archive: ReportArchive | undefined;
  /** Checks the sender and recipients with SES before the one SendEmail call. @default no checks */
  readonly senderProblems?: (email: OutgoingEmail) => Promise<readonly string[]>;
}

export interface DigestOptions {
  readonly date: string;
  readonly tz: string;
  readonly from: string;
  readonly to: readonly string[];
  /** Send even when the ledger says the day went out or is in doubt; never over a live claim. @default false */
  readonly force?: boolean;
  /** Build the report, send nothing, touch no marker. @default false */
  readonly dryRun?: boolean;
  /** Send a short email on a day without failures. @default true */
  readonly sendEmpty?: boolean;
  /** Read this source whatever the coverage says (tests, benchmark). */
  readonly source?: 'summary' | 'gsi';
  /** Runs once the email is rendered, before the day is claimed: what can fail here sends nothing (`--out`). */
  readonly beforeSend?: (prepared: { readonly report: DigestReport; readonly email: RenderedEmail; readonly csv: CsvAttachment; readonly attached: boolean }) => Promise<void>;
  /** Mail this instead of the rendered email: the kept copy of what did not go out (`resend`). */
  readonly kept?: RenderedEmail;
}

export type DigestStatus = 'sent' | 'already-sent' | 'in-progress' | 'in-doubt' | 'failed' | 'dry-run' | 'skipped-empty';

/** The statuses that are not the day's email out (or deliberately not sent): a run ending so has failed. */
export const UNSENT_STATUSES: ReadonlySet<DigestStatus> = new Set(['in-progress', 'in-doubt', 'failed']);

export interface DigestOutcome {
  readonly status: DigestStatus;
  readonly report: DigestReport;
  readonly email: RenderedEmail;
  readonly messageId?: string;
  /** Why the day is in doubt or failed, or when another run's claim lapses. */
  readonly reason?: string;
  /** Set when this run left the day failed or put it in doubt, and so told the administrators. */
  readonly admin?: AdminOutcome;
  /** The CSV of every failure, and whether it went with the email. */
  readonly csv: CsvAttachment;
  readonly attached: boolean;
}

/** SES takes 40 MB per message after base64; what is left for the body and headers. */
export const MAX_ATTACHMENT_BYTES = Math.floor((36 * 1024 * 1024 * 3) / 4);

/** A digest was asked for a day that has not ended: it would be partial, and would seal the day. */
export class DayNotOverError extends Error {
  constructor(date: string, tz: string, endMs: number) {
    super(`${date} (${tz}) is not over until ${new Date(endMs).toISOString()}: its digest is sent after the day ends; --dry-run shows what it holds so far`);
    this.name = 'DayNotOverError';
  }
}

/** Reads one report day from the best complete source and builds its report. */
export async function buildDigest(deps: DigestDeps, date: string, tz: string, forced?: 'summary' | 'gsi'): Promise<DigestReport> {
  return (await readDigest(deps, date, tz, forced)).report;
}

interface ReadDay {
  readonly groups: readonly DayGroup[];
  readonly pass: DayPass;
  /** What the reader should know of how the groups were counted. */
  readonly note?: string;
}

/**
 * The summary's day: its groups as capture kept them, checked against its
 * entries, which are read once, as they stream, into the CSV. A day from
 * before groups were kept is counted from its entries alone. The CSV gives
 * every failure its group's template, so the day's group info is read
 * whole here (one Query); the samples the email shows are the body's own
 * read (withShownInfo), which stays bounded by what it shows.
 */
async function readSummaryDay(deps: DigestDeps, window: DayWindow): Promise<ReadDay> {
  const { tz, date } = window;
  const [kept, known, infos] = await Promise.all([deps.store.readGroups(tz, date), groupsKnownFor(deps.store, tz, date), deps.store.readGroupInfos(tz, date)]);
  const templates = templatesOf(kept, infos.values());
  const withTemplate = (g: DayGroup): DayGroup => (g.template === '' && templates.has(g.signature) ? { ...g, template: templates.get(g.signature)! } : g);
  const pass = await passOverDay(deps.store.streamDay(tz, date, { templates }), csvBaseName(date), { tz });
  if (!known) return { groups: pass.tallied, pass };
  const checked = checkGroups(kept.map(withTemplate), pass.tallied);
  if (checked.disagreeing === 0) return { groups: checked.groups, pass };
  return { groups: checked.groups, pass, note: `The kept counts of ${checked.disagreeing} ${checked.disagreeing === 1 ? 'group differ' : 'groups differ'} from the day's entries (failures captured while this report was read?): the entries' counts are shown.` };
}

const csvBaseName = (date: string) => `failures-${date}`;

/** The report and the one pass over the day's entries it was built with, which holds the CSV. */
async function readDigest(deps: DigestDeps, date: string, tz: string, forced?: 'summary' | 'gsi'): Promise<{ report: DigestReport; pass: DayPass }> {
  const window = dayWindow(date, tz);
  const [unreadableRecords, history] = await Promise.all([deps.store.listUnreadable(window.tz, window.date), readHistory(deps.store, window.tz, window.date, deps.clock())]);
  const chosen = await chooseSource({ ...deps, captureWaitMs: forced ? 0 : deps.captureWaitMs }, window);
  const choice: SourceChoice = forced ? { ...chosen, source: forced, note: describeCompleteness(chosen.completeness) } : chosen;
  const built = async (source: 'summary' | 'gsi', note: string, day: ReadDay, unreadable: number) => {
    const sourceNote = day.note ? `${note} ${day.note}` : note;
    const statusVariants = source === 'gsi' ? null : day.pass.statusVariants;
    const report = buildReport({ window, source, sourceNote, completeness: choice.completeness, groups: day.groups, unreadable, statusVariants, history });
    // The index's groups are made from whole messages already; the summary's keep their text in group info items.
    if (source === 'gsi') return { report, pass: day.pass };
    return { report: await withShownInfo(report, (ids) => deps.store.getGroupInfos(window.tz, window.date, ids)), pass: day.pass };
  };
  const summary = async (note: string) => built('summary', note, await readSummaryDay(deps, window), unreadableRecords.length);
  if (choice.source === 'summary') return summary(choice.note);
  let read;
  try {
    read = await queryFailedInWindow(deps.dynamodb, deps.executionTable, deps.gsiName, window, deps.clock());
  } catch (e) {
    if (forced) throw e;
    // Neither source is shown complete: send what the summary has, and say plainly what may be missing.
    return summary(`${choice.note.replace(/ Read from the index instead\.$/, '')} The index could not be read either (${(e as Error).message}), so this report comes from the summary and may be missing failures.`);
  }
  // The index's rows are in memory already: the fallback reads every one, as users' own reports do.
  const pass = await passOverDay(dayEntries(window, read.entries), csvBaseName(window.date), { tz: window.tz });
  return built('gsi', choice.note, { groups: pass.tallied, pass }, countUnreadable(unreadableRecords, read.unreadable));
}

/**
 * Where the list of a day too large for its email is: kept beside the
 * day's report when there is an archive (and this is not a dry run), and
 * always what `export` writes.
 */
async function omittedNote(deps: DigestDeps, csv: CsvAttachment, window: DayWindow, dryRun: boolean): Promise<AttachmentNote> {
  const size = `${csv.fileName} is ${(csv.bytes.length / 1024 / 1024).toFixed(1)} MB compressed, more than one email can carry`;
  const command = `\`failure-digest export --date ${window.date} --tz ${window.tz}\` writes it`;
  if (dryRun || !deps.archive) return { omitted: `${size}; ${command}` };
  const at = await deps.archive.keepFile(window.tz, window.date, csv);
  return { omitted: `${size}; it is kept at ${at}, and ${command}` };
}

/**
 * The day's rollup, for the next week's digests, once late writes are in.
 * Only a cache: when it cannot be written, they add the day's groups up
 * again, so a failure here must not fail a run that has sent its email.
 */
async function keepRollup(deps: DigestDeps, report: DigestReport): Promise<void> {
  const nowMs = deps.clock();
  if (nowMs < vouchableFromMs(report.window) || !report.completeness.complete) return;
  await deps.store.putRollup(report.window.tz, report.window.date, rollupOf(report.groups), nowMs).catch(() => undefined);
}

/**
 * One email per report day, through the send ledger (`deliver`). A day that
 * has not ended is never sent: only a dry run may preview it.
 */
export async function runDigest(deps: DigestDeps, options: DigestOptions): Promise<DigestOutcome> {
  const window = dayWindow(options.date, options.tz);
  if (!options.dryRun && window.end_ms > deps.clock()) throw new DayNotOverError(window.date, window.tz, window.end_ms);
  const { report, pass } = await readDigest(deps, options.date, options.tz, options.source);
  const { tz, date } = report.window;
  const { csv } = pass;
  const attached = report.count > 0 && csv.bytes.length <= MAX_ATTACHMENT_BYTES;
  const note: AttachmentNote = attached ? { fileName: csv.fileName, rows: csv.rows } : await omittedNote(deps, csv, report.window, options.dryRun === true);
  const email = options.kept ?? renderEmail(report, note);
  const base = { report, email, csv, attached };
  await options.beforeSend?.(base);
  if (options.dryRun) return { status: 'dry-run', ...base };
  if (report.count === 0 && report.unreadable === 0 && options.sendEmpty === false) {
    // On the ledger, so the watchdog tells a quiet day from one nobody handled.
    await deps.ledger.recordSkipped(tz, date, deps.clock());
    return { status: 'skipped-empty', ...base };
  }

  const attachments = attached ? [{ fileName: csv.fileName, contentType: csv.contentType, bytes: csv.bytes }] : [];
  const outgoing = { from: options.from, to: options.to, ...email, attachments };
  const d = await deliver(deps, { tz, date, email: outgoing, force: options.force === true, count: report.count, source: report.source });
  await keepRollup(deps, report);
  switch (d.status) {
    case 'sent':
    case 'already-sent':
      return { status: d.status, ...base, messageId: d.messageId };
    case 'in-progress':
      return { status: d.status, ...base, reason: `another run holds the claim on this day until ${new Date(d.leaseUntilMs).toISOString()}` };
    case 'in-doubt':
    case 'failed': {
      // A day found already in doubt was told about by the run that put it there.
      const tell = d.status === 'failed' || d.newly;
      const admin = tell ? await tellAdmin(deps, { tz, date, status: d.status, reason: d.reason, email: outgoing, count: report.count, source: report.source }) : undefined;
      return { status: d.status, ...base, reason: d.reason, ...(admin ? { admin } : {}) };
    }
  }
}

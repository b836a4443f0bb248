import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { classifyStreamRecord } from '../../shared/capture/classify.ts';
import { runDigest, UNSENT_STATUSES, type DigestOutcome } from '../../shared/digest/run-digest.ts';
import type { AdminOutcome } from '../../shared/digest/tell-admin.ts';
import { completenessView } from '../../shared/evidence/completeness.ts';
import { rebuildRange } from '../../shared/reprocess/reprocess.ts';
import { loadDigestConfig } from '../../shared/settings/components.ts';
import { nameOf } from '../../shared/settings/read.ts';
import { datesBetween, dayWindow, previousDayOf } from '../../shared/time/report-day.ts';
import { destroyClients } from '../../shared/aws/clients.ts';
import { confirmRange } from './confirm-range.ts';
import { cliContext } from './context.ts';
import { rawMessage } from '../../shared/email/raw-message.ts';
import { UsageError } from './errors.ts';
import { faultCountsLine, faultPlanOf, injectFaultPlan, type FaultFlags } from './fault-options.ts';

type DigestParts = Pick<DigestOutcome, 'report' | 'email' | 'csv' | 'attached'>;

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Standard error is a terminal. */
  readonly isTTY: boolean;
  /** A status line that a terminal redraws in place (an empty one clears it); without it, progress goes to err. */
  progress?(line: string): void;
  /** Asks the person at the terminal a yes/no question; absent where nobody can answer. */
  confirm?(question: string): Promise<boolean>;
}

// The flag over the variable, checked as every other reader checks it.
const defaultTz = (tz?: string) => loadDigestConfig(process.env, { requireEmail: false, tz }).reportTz;

export function windowCommand(io: Io, opts: { date?: string; tz?: string }): void {
  const tz = defaultTz(opts.tz);
  const date = opts.date ?? previousDayOf(Date.now(), tz);
  io.out(JSON.stringify(dayWindow(date, tz)));
}

export async function captureCommand(io: Io, opts: { event: string; dryRun?: boolean; tz?: string }): Promise<number> {
  if (!opts.dryRun) throw new UsageError('capture only supports --dry-run: the stream consumer itself writes the summary');
  const tz = defaultTz(opts.tz);
  let event: DynamoDBStreamEvent;
  try {
    event = JSON.parse(await readFile(opts.event, 'utf8')) as DynamoDBStreamEvent;
  } catch (e) {
    throw new UsageError(`Cannot read the event file ${opts.event}: ${(e as Error).message}`);
  }
  if (!event || !Array.isArray(event.Records)) throw new UsageError(`${opts.event} is not a DynamoDB Streams event: it has no Records array`);
  let unreadable = 0;
  for (const [i, record] of event.Records.entries()) {
    const r = classifyStreamRecord(record, tz, Date.now());
    if (r.kind === 'failure') {
      io.out(JSON.stringify({ pk: r.entry.pk, event_ts: r.entry.event_ts, day: r.day, message: r.entry.message }));
    } else if (r.kind === 'unreadable') {
      unreadable += 1;
      io.err(JSON.stringify({ record: i, eventID: record.eventID ?? null, pk: r.pk ?? null, sequence: r.sequence ?? null, reason: r.reason }));
    }
  }
  return unreadable > 0 ? 3 : 0;
}

function digestJson(o: DigestOutcome): string {
  const { window, source, count, unreadable, statusVariants, groups } = o.report;
  return JSON.stringify({
    date: window.date,
    tz: window.tz,
    start_ms: window.start_ms,
    end_ms: window.end_ms,
    source,
    complete: o.report.completeness.complete,
    completeness: completenessView(o.report.completeness),
    count,
    unreadable,
    status_variants: statusVariants,
    status: o.status,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.admin ? { admin: { told: o.admin.told, detail: o.admin.detail, ...(o.admin.keptAt ? { kept_at: o.admin.keptAt } : {}) } } : {}),
    verdict: o.report.verdict,
    previous_day_count: o.report.previous_day_count,
    avg_7d: o.report.avg_7d,
    by_source: o.report.by_source,
    // Worst first. Every failure is in the CSV (--out): the report holds groups, not failures.
    groups: groups.map((g) => ({
      process: g.process,
      signature: g.signature,
      template: g.template,
      count: g.count,
      first_ts: g.first_ts,
      last_ts: g.last_ts,
      sample_message: g.sample,
      sources: g.sources,
      new: g.new,
      back: g.back,
    })),
  });
}

async function writeParts(dir: string, o: DigestParts, mail: { from: string; to: readonly string[] }): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const attachments = o.attached ? [{ fileName: o.csv.fileName, contentType: o.csv.contentType, bytes: o.csv.bytes }] : [];
  const parts = [
    { path: join(dir, 'report.txt'), body: o.email.text },
    { path: join(dir, 'report.html'), body: o.email.html },
    // What would be attached: report.csv, or report.csv.gz once the day is large.
    { path: join(dir, o.csv.gzipped ? 'report.csv.gz' : 'report.csv'), body: o.csv.bytes },
    // The whole message as it would leave, for a mail client to open.
    { path: join(dir, 'report.eml'), body: await rawMessage({ ...mail, ...o.email, attachments }, new Date()) },
  ];
  await Promise.all(parts.map((p) => writeFile(p.path, p.body)));
  return parts.map((p) => p.path);
}

function adminLine(a: AdminOutcome): string {
  const kept = a.keptAt ? `; the report is kept at ${a.keptAt}` : '';
  return a.told ? `administrators told (SNS message ${a.detail})${kept}` : `administrators NOT told: ${a.detail}${kept}`;
}

function statusLine(o: DigestOutcome): string {
  const { window, count, source } = o.report;
  const what = `${window.date} (${window.tz}): ${count} failure${count === 1 ? "" : "s"} from ${source}`;
  switch (o.status) {
    case 'sent':
      return `sent ${what}, message id ${o.messageId}`;
    case 'already-sent':
      return `not sent ${what}: the digest for this day was already sent (message id ${o.messageId}); --force sends it again`;
    case 'in-progress':
      return `not sent ${what}: ${o.reason}; this run fails so that it can be tried again`;
    case 'in-doubt':
      return `not sent ${what}: the day is in doubt, ${o.reason}; check the mailbox, then \`failure-digest resend --date ${window.date} --tz ${window.tz}\` sends it again`;
    case 'failed':
      return `not sent ${what}: ${o.reason}`;
    case 'dry-run':
      return `dry run ${what}: nothing sent`;
    case 'skipped-empty':
      return `not sent ${what}: no failures and ${nameOf('sendEmpty', 'env')}=false`;
  }
}

export async function digestCommand(
  io: Io,
  opts: {
    date?: string;
    tz?: string;
    dryRun?: boolean;
    json?: boolean;
    out?: string;
    force?: boolean;
    source?: 'summary' | 'gsi';
    /** `resend`: mail the report kept when the day did not go out, unless `rebuild`. */
    resend?: boolean;
    rebuild?: boolean;
  } & FaultFlags,
): Promise<number> {
  const plan = faultPlanOf(opts, process.env);
  const ctx = cliContext({ requireEmail: !opts.dryRun, tz: opts.tz });
  const faults = injectFaultPlan(plan, ctx.clients, ctx.config, io.err);
  try {
    const tz = ctx.config.reportTz;
    const date = opts.date ?? previousDayOf(Date.now(), tz);
    const kept = opts.resend && !opts.rebuild ? await ctx.deps.archive?.fetch(tz, date) : undefined;
    if (kept) io.err(`resending the report kept at ${new Date(kept.keptMs).toISOString()} when the day was ${kept.status}; --rebuild renders the day again`);
    const outcome = await runDigest(ctx.deps, {
      date,
      tz,
      from: ctx.config.sesFrom,
      to: ctx.config.sesTo,
      force: opts.force === true,
      dryRun: opts.dryRun === true,
      sendEmpty: ctx.config.sendEmpty,
      ...(opts.source ? { source: opts.source } : {}),
      ...(kept ? { kept: { subject: kept.subject, text: kept.text, html: kept.html } } : {}),
      // Written before anything is sent: an unwritable folder stops the run with nothing sent.
      ...(opts.out ? { beforeSend: async (prepared: DigestParts) => { for (const path of await writeParts(opts.out!, prepared, { from: ctx.config.sesFrom, to: ctx.config.sesTo })) io.err(`wrote ${path}`); } } : {}),
    });
    if (opts.json) io.out(digestJson(outcome));
    else if (opts.dryRun && !opts.out) io.out(outcome.email.text);
    io.err(statusLine(outcome));
    if (outcome.admin) io.err(adminLine(outcome.admin));
    return UNSENT_STATUSES.has(outcome.status) ? 1 : 0;
  } finally {
    if (faults) io.err(faultCountsLine(faults));
    destroyClients(ctx.clients);
  }
}

function showProgress(io: Io, line: string): void {
  if (io.progress) io.progress(line);
  else if (line) io.err(line);
}

export async function reprocessCommand(
  io: Io,
  opts: { from: string; to: string; tz?: string; send?: boolean; force?: boolean; yes?: boolean },
): Promise<number> {
  const days = datesBetween(opts.from, opts.to).length;
  if (!(await confirmRange(io, { from: opts.from, to: opts.to, days, yes: opts.yes === true, send: opts.send === true }))) {
    io.err('nothing rebuilt');
    return 1;
  }
  const ctx = cliContext({ requireEmail: opts.send === true, tz: opts.tz });
  try {
    const tz = ctx.config.reportTz;
    const started = Date.now();
    let unsent = 0;
    await rebuildRange(ctx.deps, opts.from, opts.to, tz, async (day, i, total) => {
      // The result first: once stdout is gone, nothing more of this day is said or done.
      const { complete, why, ...counts } = day;
      io.out(JSON.stringify({ ...counts, rebuilt: true, complete, ...(why ? { why } : {}) }));
      showProgress(io, `[${i}/${total}] ${day.date} (${day.tz}): ${day.entries} failures rebuilt from the index${day.unreadable ? `, ${day.unreadable} unreadable` : ''}`);
      // A line of its own, which a terminal's redrawn progress line does not overwrite.
      if (why) io.err(`${day.date} (${day.tz}) not marked complete: ${why}`);
      if (opts.send && dayWindow(day.date, tz).end_ms > Date.now()) {
        io.err(`not sent ${day.date} (${day.tz}): the day is not over; its digest goes out after it ends`);
      } else if (opts.send) {
        const outcome = await runDigest(ctx.deps, {
          date: day.date,
          tz,
          from: ctx.config.sesFrom,
          to: ctx.config.sesTo,
          force: opts.force === true,
          sendEmpty: ctx.config.sendEmpty,
        });
        io.err(statusLine(outcome));
        if (outcome.admin) io.err(adminLine(outcome.admin));
        if (UNSENT_STATUSES.has(outcome.status)) unsent += 1;
      }
    });
    showProgress(io, '');
    io.err(`reprocess done: ${days} day${days === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (unsent > 0) io.err(`${unsent} day${unsent === 1 ? "'s digest was" : "s' digests were"} not sent`);
    return unsent > 0 ? 1 : 0;
  } finally {
    destroyClients(ctx.clients);
  }
}

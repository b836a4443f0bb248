import { headerSafe, oneLine } from '../email/safe-text.ts';

/** What the administrators are told, as an SNS message: a subject line and a plain-text body. */
export interface AdminNotice {
  /** At most 100 characters, one line: what SNS accepts as a subject. */
  readonly subject: string;
  readonly message: string;
}

/** SNS refuses a subject over 100 characters or with a line break. */
export const MAX_SUBJECT = 100;

export interface NotSentFacts {
  readonly date: string;
  readonly tz: string;
  readonly status: 'failed' | 'in-doubt';
  readonly reason: string;
  readonly to: readonly string[];
  /** Where the rendered report was kept, or why it was not. */
  readonly kept: { readonly at: string } | { readonly not: string };
  readonly count: number;
  readonly atMs: number;
}

export interface UnconfirmedFacts {
  readonly date: string;
  readonly tz: string;
  /** What the send ledger holds for the day: a state, or nothing at all. */
  readonly state: string | undefined;
  readonly reason: string | undefined;
  readonly dueMs: number;
  readonly atMs: number;
}

export function subjectLine(text: string): string {
  return headerSafe(text, MAX_SUBJECT);
}

const resendLine = (date: string, tz: string) => `failure-digest resend --date ${date} --tz ${tz}`;

/** A digest that this run could not get out: failed after its tries, or in doubt. */
export function notSentNotice(f: NotSentFacts): AdminNotice {
  const day = `${f.date} (${f.tz})`;
  const what =
    f.status === 'failed'
      ? [`The digest for ${day} was not sent: SES refused it, so nobody received it.`, 'The next run of the digest (a Lambda retry, or the command below) tries again.']
      : [
          `The digest for ${day} is in doubt: SES may or may not have accepted it, and nothing will resend it by itself.`,
          `Ask the recipients whether it arrived. If it did not, send it on purpose with the command below.`,
        ];
  // Reasons quote errors from SES, S3 or the disk: one line each, so none can pass for a line of the notice.
  const kept = 'at' in f.kept ? `The rendered report is kept at ${oneLine(f.kept.at)}.` : `The rendered report was not kept: ${oneLine(f.kept.not)}.`;
  return {
    subject: subjectLine(`failure-digest: digest for ${day} ${f.status === 'failed' ? 'NOT SENT' : 'IN DOUBT'}`),
    message: [
      ...what,
      '',
      `Why: ${oneLine(f.reason)}`,
      `Recipients: ${oneLine(f.to.join(', ')) || '(none)'}`,
      `Failures in the report: ${f.count}`,
      kept,
      `Recorded at: ${new Date(f.atMs).toISOString()}`,
      '',
      `To send it: ${resendLine(f.date, f.tz)}`,
    ].join('\n'),
  };
}

/** The watchdog found no confirmed digest for a day by the time it was due. */
export function unconfirmedNotice(f: UnconfirmedFacts): AdminNotice {
  const day = `${f.date} (${f.tz})`;
  const held = f.state === undefined ? 'the send ledger has no entry for the day: no digest run reached it' : `the send ledger holds it as "${oneLine(f.state)}"`;
  return {
    subject: subjectLine(`failure-digest: no digest confirmed for ${day}`),
    message: [
      `No digest for ${day} was confirmed sent by ${new Date(f.dueMs).toISOString()}: ${held}.`,
      ...(f.reason ? [`Why: ${oneLine(f.reason)}`] : []),
      `Checked at: ${new Date(f.atMs).toISOString()}`,
      '',
      `To send it: ${resendLine(f.date, f.tz)} (check first with: failure-digest digest --date ${f.date} --tz ${f.tz} --dry-run)`,
    ].join('\n'),
  };
}

import { classifySendError, describeSendError } from '../email/send-errors.ts';
import type { Mailer, OutgoingEmail } from '../email/mailer.ts';
import type { SendLedger } from '../ledger/send-ledger.ts';

export interface DeliverDeps {
  readonly ledger: SendLedger;
  readonly mailer: Mailer;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The time by which this run is done or gone (a Lambda's timeout, the CLI's send timeout): the claim's lease. */
  readonly deadlineMs: () => number;
  /** What would make SES refuse the email (an unverified sender or recipient, no quota left), one line each; none: send. */
  readonly senderProblems?: (email: OutgoingEmail) => Promise<readonly string[]>;
}

export interface DeliverRequest {
  readonly tz: string;
  readonly date: string;
  readonly email: OutgoingEmail;
  readonly force: boolean;
  readonly count: number;
  readonly source: string;
}

export type Delivery =
  | { readonly status: 'sent'; readonly messageId: string; readonly attempts: number }
  | { readonly status: 'already-sent'; readonly messageId: string }
  | { readonly status: 'in-progress'; readonly leaseUntilMs: number }
  /** `newly`: this run put the day in doubt (it did not find it so), and so tells the administrators. */
  | { readonly status: 'in-doubt'; readonly reason: string; readonly newly: boolean }
  | { readonly status: 'failed'; readonly reason: string; readonly attempts: number };

/** SendEmail calls one claim may make, all refused by SES as throttled but the last. */
export const SEND_TRIES = 3;
const RETRY_PAUSE_MS = 500;
/** What a send must leave of the lease to record its answer. */
const RECORD_MARGIN_MS = 2_000;

/** Why SES would refuse the email, checked before SendEmail is called; undefined when nothing stands in the way. */
async function senderBlocked(deps: DeliverDeps, email: OutgoingEmail): Promise<string | undefined> {
  if (!deps.senderProblems) return undefined;
  try {
    const problems = await deps.senderProblems(email);
    return problems.length > 0 ? `not sent, SES would refuse it: ${problems.join('; ')}` : undefined;
  } catch (e) {
    return `not sent, the sender checks could not run: ${(e as Error).message}`;
  }
}

/**
 * One email for the day at most: claim, mark `sending`, call SendEmail, and
 * record the answer. SendEmail is called again only after SES refused it as
 * throttled, while the lease leaves time; any answer that does not prove a
 * refusal leaves the day `in-doubt`, which nothing resends by itself.
 */
export async function deliver(deps: DeliverDeps, req: DeliverRequest): Promise<Delivery> {
  const { ledger, clock } = deps;
  const { tz, date } = req;
  const leaseUntilMs = deps.deadlineMs();
  const claim = await ledger.claim(tz, date, clock(), leaseUntilMs, req.force);
  switch (claim.kind) {
    case 'already-sent':
      return { status: 'already-sent', messageId: claim.messageId };
    case 'held':
      return { status: 'in-progress', leaseUntilMs: claim.leaseUntilMs };
    case 'in-doubt':
      return { status: 'in-doubt', reason: claim.reason, newly: claim.marked };
    case 'claimed':
      break;
  }

  const blocked = await senderBlocked(deps, req.email);
  if (blocked) {
    await ledger.end(tz, date, claim.token, 'failed', blocked, clock());
    return { status: 'failed', reason: blocked, attempts: 0 };
  }

  await ledger.markSending(tz, date, claim.token, clock());
  for (let attempt = 1; ; attempt += 1) {
    const left = leaseUntilMs - clock() - RECORD_MARGIN_MS;
    let messageId: string;
    try {
      messageId = await deps.mailer.send(req.email, { timeoutMs: Math.max(left, 1_000) });
    } catch (error) {
      const kind = classifySendError(error);
      const why = describeSendError(error);
      if (kind === 'in-doubt') {
        const reason = `SendEmail got no answer that shows SES refused the message (${why}): it may have been accepted`;
        await ledger.end(tz, date, claim.token, 'in-doubt', reason, clock());
        return { status: 'in-doubt', reason, newly: true };
      }
      const pause = RETRY_PAUSE_MS * 2 ** (attempt - 1);
      if (kind === 'refused-retryable' && attempt < SEND_TRIES && leaseUntilMs - clock() - pause > RECORD_MARGIN_MS + 1_000) {
        await deps.sleep(pause);
        continue;
      }
      const reason = `SendEmail failed ${attempt === 1 ? 'once' : `${attempt} times`} without SES accepting the message: ${why}`;
      await ledger.end(tz, date, claim.token, 'failed', reason, clock());
      return { status: 'failed', reason, attempts: attempt };
    }
    await ledger.confirm(tz, date, claim.token, { messageId, sentMs: clock(), count: req.count, source: req.source });
    return { status: 'sent', messageId, attempts: attempt };
  }
}

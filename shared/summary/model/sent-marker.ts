import { keyItem, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * The send ledger: one item per report day, which makes its email go out
 * once. SES has no idempotency token, so a run claims the day with a
 * conditional put, marks it `sending` just before the one SendEmail call, and
 * then records what happened:
 *
 *   (none) ─claim─▶ claimed ─▶ sending ─▶ sent
 *     ▲                │           ├─▶ failed    (SES refused it: nothing was accepted; the next run may claim)
 *     └─ lease lapses ─┘           └─▶ in-doubt  (no answer, or the run died: SES may have accepted it)
 *
 * A lapsed `claimed` is free again; a lapsed `sending` becomes `in-doubt`,
 * which nothing resends unless a person asks (`resend`, `--force`). A day
 * with nothing to send (no failures, `SEND_EMPTY=false`) is recorded
 * `skipped-empty`, so the watchdog can tell it from a day nobody handled; a
 * later run may still claim it.
 */
export const SENT_MARKER = {
  prefix: 'SENT#',
  sortKey: 'SENT',
  states: { claimed: 'claimed', sending: 'sending', sent: 'sent', failed: 'failed', inDoubt: 'in-doubt', skippedEmpty: 'skipped-empty' },
  attributes: {
    state: 'state',
    claimToken: 'claim_token',
    leaseUntilMs: 'lease_until_ms',
    messageId: 'message_id',
    sentMs: 'sent_ms',
    failureCount: 'failure_count',
    reportSource: 'report_source',
    /** Why the day failed or is in doubt. */
    reason: 'reason',
    /** When the state last changed. */
    changedMs: 'changed_ms',
  },
} as const;

export type SentMarker =
  | { readonly state: 'claimed' | 'sending'; readonly claimToken: string; readonly leaseUntilMs: number }
  | {
      readonly state: 'sent';
      readonly claimToken: string;
      readonly messageId: string;
      readonly sentMs: number;
      readonly failureCount: number;
      readonly reportSource: string;
    }
  | { readonly state: 'failed' | 'in-doubt'; readonly claimToken: string; readonly reason: string; readonly changedMs: number }
  | { readonly state: 'skipped-empty'; readonly claimToken: string; readonly changedMs: number };

/** What a confirmed send records. */
export interface SentInfo {
  readonly messageId: string;
  readonly sentMs: number;
  readonly count: number;
  readonly source: string;
}

export function sentMarkerKey(tz: string, date: string): SummaryKey {
  return { pk: `${SENT_MARKER.prefix}${tz}#${date}`, sk: SENT_MARKER.sortKey };
}

/** A claim, replacing the whole item: what an earlier claim left is gone. */
export function claimItem(tz: string, date: string, claimToken: string, leaseUntilMs: number, nowMs: number): SummaryItem {
  const a = SENT_MARKER.attributes;
  return {
    ...keyItem(sentMarkerKey(tz, date)),
    [a.state]: SENT_MARKER.states.claimed,
    [a.claimToken]: claimToken,
    [a.leaseUntilMs]: leaseUntilMs,
    [a.changedMs]: nowMs,
  };
}

/** A day with nothing to send, recorded where no run claimed it. */
export function skippedItem(tz: string, date: string, nowMs: number): SummaryItem {
  const a = SENT_MARKER.attributes;
  return { ...keyItem(sentMarkerKey(tz, date)), [a.state]: SENT_MARKER.states.skippedEmpty, [a.changedMs]: nowMs };
}

/** What confirming a send sets; the lease is removed with it, and the claim token stays. */
export function sentFields(info: SentInfo): SummaryItem {
  const a = SENT_MARKER.attributes;
  return {
    [a.state]: SENT_MARKER.states.sent,
    [a.messageId]: info.messageId,
    [a.sentMs]: info.sentMs,
    [a.failureCount]: info.count,
    [a.reportSource]: info.source,
    [a.changedMs]: info.sentMs,
  };
}

/** What ending a send without a message id sets: `failed` (nothing accepted) or `in-doubt`. */
export function endedFields(state: 'failed' | 'in-doubt', reason: string, nowMs: number): SummaryItem {
  const a = SENT_MARKER.attributes;
  return { [a.state]: state, [a.reason]: reason, [a.changedMs]: nowMs };
}

/**
 * Reads a ledger item. An unknown state (or none) reads as `sending`: it may
 * have been sent, so it is never taken for free.
 */
export function sentMarkerFromItem(item: SummaryItem): SentMarker {
  const a = SENT_MARKER.attributes;
  const s = SENT_MARKER.states;
  const claimToken = String(item[a.claimToken] ?? '');
  const state = item[a.state];
  if (state === s.sent) {
    return {
      state: 'sent',
      claimToken,
      messageId: String(item[a.messageId]),
      sentMs: Number(item[a.sentMs]),
      failureCount: Number(item[a.failureCount]),
      reportSource: String(item[a.reportSource]),
    };
  }
  if (state === s.skippedEmpty) return { state, claimToken, changedMs: Number(item[a.changedMs] ?? 0) };
  if (state === s.failed || state === s.inDoubt) {
    return { state, claimToken, reason: String(item[a.reason] ?? ''), changedMs: Number(item[a.changedMs] ?? 0) };
  }
  return { state: state === s.claimed ? 'claimed' : 'sending', claimToken, leaseUntilMs: Number(item[a.leaseUntilMs] ?? 0) };
}

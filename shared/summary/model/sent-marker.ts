import { keyItem, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * Sent markers: one per report day, the claim that makes its email go out
 * once. SES has no idempotency token, so a run first claims the day with a
 * conditional put (`sending`, with a lease a crashed run's claim expires by),
 * then confirms it (`sent`, with what was sent), or gives it back.
 */
export const SENT_MARKER = {
  prefix: 'SENT#',
  sortKey: 'SENT',
  states: { sending: 'sending', sent: 'sent' },
  attributes: {
    state: 'state',
    claimToken: 'claim_token',
    leaseUntilMs: 'lease_until_ms',
    messageId: 'message_id',
    sentMs: 'sent_ms',
    failureCount: 'failure_count',
    reportSource: 'report_source',
  },
} as const;

export type SentMarker =
  | { readonly state: 'sending'; readonly claimToken: string; readonly leaseUntilMs: number }
  | {
      readonly state: 'sent';
      readonly claimToken: string;
      readonly messageId: string;
      readonly sentMs: number;
      readonly failureCount: number;
      readonly reportSource: string;
    };

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

/** A claim, replacing the whole marker: a forced resend starts from nothing. */
export function claimItem(tz: string, date: string, claimToken: string, leaseUntilMs: number): SummaryItem {
  const a = SENT_MARKER.attributes;
  return {
    ...keyItem(sentMarkerKey(tz, date)),
    [a.state]: SENT_MARKER.states.sending,
    [a.claimToken]: claimToken,
    [a.leaseUntilMs]: leaseUntilMs,
  };
}

/** What confirming a claim sets; the lease is removed with it, and the claim token stays. */
export function sentFields(info: SentInfo): SummaryItem {
  const a = SENT_MARKER.attributes;
  return {
    [a.state]: SENT_MARKER.states.sent,
    [a.messageId]: info.messageId,
    [a.sentMs]: info.sentMs,
    [a.failureCount]: info.count,
    [a.reportSource]: info.source,
  };
}

/** Anything but `sent` is a claim in progress; a claim without a lease counts as expired. */
export function sentMarkerFromItem(item: SummaryItem): SentMarker {
  const a = SENT_MARKER.attributes;
  const claimToken = String(item[a.claimToken] ?? '');
  if (item[a.state] === SENT_MARKER.states.sent) {
    return {
      state: 'sent',
      claimToken,
      messageId: String(item[a.messageId]),
      sentMs: Number(item[a.sentMs]),
      failureCount: Number(item[a.failureCount]),
      reportSource: String(item[a.reportSource]),
    };
  }
  return { state: 'sending', claimToken, leaseUntilMs: Number(item[a.leaseUntilMs] ?? 0) };
}

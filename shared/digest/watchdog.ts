import { unconfirmedNotice } from '../admin/notice.ts';
import type { AdminNotifier, NotifyResult } from '../admin/notifier.ts';
import type { SendLedger } from '../ledger/send-ledger.ts';

export interface WatchdogDeps {
  readonly ledger: SendLedger;
  readonly admin: AdminNotifier;
  readonly clock: () => number;
}

export interface WatchdogResult {
  readonly date: string;
  readonly tz: string;
  /** Sent, or recorded as having nothing to send. */
  readonly confirmed: boolean;
  /** The ledger state found, if any. */
  readonly state: string | undefined;
  /** Set when the administrators had to be told. */
  readonly told?: NotifyResult;
}

/** States that close a day: its email went out, or there was nothing to send. */
const CONFIRMED = new Set(['sent', 'skipped-empty']);

/**
 * Checks, after the digest was due, that its day is confirmed on the send
 * ledger, and tells the administrators when it is not: the one check that
 * also catches a digest that never ran at all.
 */
export async function watchDigest(deps: WatchdogDeps, day: { readonly date: string; readonly tz: string; readonly dueMs: number }): Promise<WatchdogResult> {
  const marker = await deps.ledger.get(day.tz, day.date);
  const state = marker?.state;
  if (state !== undefined && CONFIRMED.has(state)) return { date: day.date, tz: day.tz, confirmed: true, state };
  const reason = marker && 'reason' in marker ? marker.reason : undefined;
  const told = await deps.admin.notify(unconfirmedNotice({ date: day.date, tz: day.tz, state, reason, dueMs: day.dueMs, atMs: deps.clock() }));
  return { date: day.date, tz: day.tz, confirmed: false, state, told };
}

import type { Io } from './commands.ts';
import { UsageError } from './errors.ts';

// A month is an ordinary backfill; past that, a mistyped year (1990 for 2026) is likelier than intent.
export const CONFIRM_ABOVE_DAYS = 31;
// A week of digests is a catch-up after an outage; more mails are a flood nobody asked for.
export const CONFIRM_SEND_ABOVE_DAYS = 7;

/**
 * Whether to rebuild `days` days, and with `send` to mail each: a long range
 * only with --yes or the person's answer; without a terminal, --yes or nothing.
 */
export async function confirmRange(io: Io, range: { from: string; to: string; days: number; yes: boolean; send?: boolean }): Promise<boolean> {
  const above = range.send ? Math.min(CONFIRM_ABOVE_DAYS, CONFIRM_SEND_ABOVE_DAYS) : CONFIRM_ABOVE_DAYS;
  if (range.days <= above || range.yes) return true;
  const what = `${range.days} days (${range.from} .. ${range.to})`;
  const action = range.send ? 'rebuild and mail' : 'rebuild';
  if (!io.confirm) throw new UsageError(`a range of ${what} is longer than ${above}: add --yes to ${action} them all`);
  return io.confirm(range.send ? `Rebuild ${what} and send a digest for each? [y/N]` : `Rebuild ${what}? [y/N]`);
}

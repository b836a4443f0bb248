import type { Io } from './commands.ts';
import { UsageError } from './errors.ts';

// A month is an ordinary backfill; past that, a mistyped year (1990 for 2026) is likelier than intent.
export const CONFIRM_ABOVE_DAYS = 31;

/** Whether to rebuild `days` days: a long range only with --yes or the person's answer; without a terminal, --yes or nothing. */
export async function confirmRange(io: Io, range: { from: string; to: string; days: number; yes: boolean }): Promise<boolean> {
  if (range.days <= CONFIRM_ABOVE_DAYS || range.yes) return true;
  const what = `${range.days} days (${range.from} .. ${range.to})`;
  if (!io.confirm) throw new UsageError(`a range of ${what} is longer than ${CONFIRM_ABOVE_DAYS}: add --yes to rebuild them all`);
  return io.confirm(`Rebuild ${what}? [y/N]`);
}

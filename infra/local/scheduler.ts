import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { Temporal } from 'temporal-polyfill';
import type { DigestEvent } from '../../shared/digest/request.ts';

export interface LocalScheduleOptions {
  readonly tz: string;
  readonly at: { readonly hour: number; readonly minute: number };
  readonly invoke: (event: DigestEvent) => Promise<unknown>;
  /** Attempts per firing, as the schedule's retry policy. @default 3 */
  readonly maxAttempts?: number;
  /** Delay between attempts. @default 60_000 */
  readonly retryDelayMs?: number;
  readonly log: (message: string) => void;
}

export interface LocalSchedule {
  nextRun(): Date | null;
  stop(): void;
}

/** The payload EventBridge Scheduler sends once it has filled in its context attributes. */
export function scheduledEvent(scheduledMs: number, attempt: number, executionId: string): DigestEvent {
  return {
    source: 'failure-digest.schedule',
    scheduledTime: new Date(Math.floor(scheduledMs / 60_000) * 60_000).toISOString().replace('.000Z', 'Z'),
    executionId,
    attempt: String(attempt),
  };
}

/**
 * EventBridge Scheduler's stand-in: cron at a local time in an IANA zone,
 * minute precision, bounded retries with the same scheduled time.
 */
export function startLocalSchedule(options: LocalScheduleOptions): LocalSchedule {
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 60_000;
  const timers = new Set<NodeJS.Timeout>();
  const pattern = `${options.at.minute} ${options.at.hour} * * *`;

  const fire = async () => {
    const scheduledMs = Math.floor(Date.now() / 60_000) * 60_000;
    const local = Temporal.Instant.fromEpochMilliseconds(scheduledMs).toZonedDateTimeISO(options.tz);
    // A time inside a spring-forward gap does not exist that day; the real schedule skips it.
    if (local.hour !== options.at.hour || local.minute !== options.at.minute) {
      options.log(`schedule: ${pattern} does not exist on ${local.toPlainDate()} in ${options.tz}; skipped`);
      return;
    }
    const executionId = randomUUID();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await options.invoke(scheduledEvent(scheduledMs, attempt, executionId));
        return;
      } catch (e) {
        options.log(`schedule: attempt ${attempt} of ${maxAttempts} failed: ${(e as Error).message}`);
        if (attempt < maxAttempts) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => (timers.delete(t), resolve()), retryDelayMs);
            timers.add(t);
          });
        }
      }
    }
  };

  const job = new Cron(pattern, { timezone: options.tz, protect: true, catch: true }, fire);
  return {
    nextRun: () => job.nextRun(),
    stop() {
      job.stop();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

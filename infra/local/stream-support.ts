/** Small pieces shared by the stream poller's modules: logging shape, interruptible waits, backoff. */

export type StreamLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type StreamLog = (level: StreamLogLevel, message: string, extra?: Record<string, unknown>) => void;

/** Waits `ms`, or less if the signal aborts. Never rejects and never leaves a timer behind. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return interruptibleSleep(ms, signal, undefined);
}

/**
 * A wake-up call for a loop that sleeps between rounds. A ring while the loop
 * is busy is kept, so its next sleep returns at once instead of missing it.
 */
export class Wake {
  private readonly sleepers = new Set<() => void>();
  private pending = false;

  ring(): void {
    if (this.sleepers.size === 0) this.pending = true;
    for (const wake of [...this.sleepers]) wake();
  }

  /** Like `sleep`, and also ends early when `ring()` is called. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return interruptibleSleep(ms, signal, this.sleepers);
  }
}

function interruptibleSleep(ms: number, signal: AbortSignal, sleepers: Set<() => void> | undefined): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      sleepers?.delete(done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
    sleepers?.add(done);
  });
}

/** Exponential backoff: 100 ms, 200 ms, 400 ms ... capped at 5 s. */
export function backoffMs(failures: number): number {
  return Math.min(100 * 2 ** Math.max(0, failures - 1), 5_000);
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

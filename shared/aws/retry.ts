/** Full-jitter exponential backoff: 50 ms doubling, capped at 5 s. */
export function backoff(attempt: number, baseMs = 50, capMs = 5_000): Promise<void> {
  const ms = Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const UNPROCESSED_RETRIES = 10;

/**
 * Sends `items` and then whatever the answer leaves unprocessed, with
 * backoff between, at most `retries` times again. Resolves to what is still
 * left (empty when all went through), for the caller to name its own error.
 */
export async function sendUntilProcessed<T>(items: T[], send: (pending: T[]) => Promise<T[]>, retries = UNPROCESSED_RETRIES): Promise<T[]> {
  let pending = items;
  for (let attempt = 0; pending.length > 0 && attempt <= retries; attempt++) {
    if (attempt > 0) await backoff(attempt);
    pending = await send(pending);
  }
  return pending;
}

/** Full-jitter exponential backoff: 50 ms doubling, capped at 5 s. */
export function backoff(attempt: number, baseMs = 50, capMs = 5_000): Promise<void> {
  const ms = Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Orders two stream sequence numbers of one shard. They are decimal strings of
 * up to 40 digits, past what a number holds exactly, and not always of the
 * same length, so neither `Number` nor string order will do.
 */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `seq` lies in the range from `start` to `end`, both included. */
export function inRange(seq: string, start: string, end: string): boolean {
  return compareSequenceNumbers(seq, start) >= 0 && compareSequenceNumbers(seq, end) <= 0;
}

import { EXECUTION_LOG_TABLE } from '../tables.ts';

/**
 * Which `status` values count as FAILED. Writers get the spelling wrong
 * (`failed`, `"FAILED "`, `" Failed"`), and a failure must not vanish for
 * that: the value counts when it is FAILED after trimming these characters
 * and ignoring ASCII case. The list is short on purpose: the stream filter
 * lets through every status that begins or ends with one of them (Lambda's
 * filter cannot trim), so the two agree exactly.
 */
export const STATUS_PADDING = [' ', '\t', '\n', '\r'] as const;

const FAILED = EXECUTION_LOG_TABLE.failedStatus;

function trimPadding(value: string): string {
  const padding: readonly string[] = STATUS_PADDING;
  let start = 0;
  let end = value.length;
  while (start < end && padding.includes(value[start]!)) start++;
  while (end > start && padding.includes(value[end - 1]!)) end--;
  return value.slice(start, end);
}

// Only ASCII letters fold, as in FAILED itself: a Unicode look-alike is not this status.
const asciiUpper = (text: string) => text.replace(/[a-z]/g, (c) => c.toUpperCase());

export function isFailedStatus(value: string): boolean {
  return asciiUpper(trimPadding(value)) === FAILED;
}

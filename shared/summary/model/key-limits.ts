import { createHash } from 'node:crypto';

/** DynamoDB's limits on key values, in UTF-8 bytes. */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/** A fixed-length stand-in for a text too long for a key: deterministic, so a rewrite lands on the same item. */
export function hashedKeyPart(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * `head` + `tail` when that fits in `maxBytes`, else `head` + the hash of
 * `tail`. A key part of its own that happens to look like a hash could only
 * meet a hashed one by a SHA-256 preimage.
 */
export function boundedKey(head: string, tail: string, maxBytes: number): string {
  const key = `${head}${tail}`;
  return Buffer.byteLength(key) <= maxBytes ? key : `${head}${hashedKeyPart(tail)}`;
}

import { MULTIPART_OPERATIONS, multipartEventOf, type MultipartEvent } from './multipart.ts';
import type { AccessLogRecord } from './record.ts';

/** Which requests count: every list empty or absent means "all". */
export interface S3LogRules {
  /** Source buckets (the `bucket` field). @default all */
  readonly buckets: readonly string[];
  /** Key prefixes, as the objects are named (not URL-encoded). @default all */
  readonly prefixes: readonly string[];
  /** Operation names or patterns (`REST.PUT.*`), or `writes`. @default ['writes'] */
  readonly operations: readonly string[];
  /** How long a started multipart upload may take to complete. */
  readonly graceMs: number;
}

export const WRITES = 'writes';
export const DEFAULT_GRACE_HOURS = 6;

/** Operation names are dotted upper-case words; `*` stands for the rest of a name. */
export const OPERATION_PATTERN_RE = /^[A-Z0-9_]+(\.[A-Z0-9_]+)*(\.\*)?$|^\*$/;

/**
 * Requests that change a bucket: PUT, POST, DELETE and COPY (not the read side
 * of a copy, `*_GET`), over REST or SOAP, and batch deletes. Multipart uploads
 * are all in here (`REST.POST.UPLOADS`, `REST.PUT.PART`, `REST.POST.UPLOAD`,
 * `REST.DELETE.UPLOAD`); lifecycle (`S3.*`) and website reads are not.
 */
export function isWriteOperation(operation: string): boolean {
  if (operation === 'BATCH.DELETE.OBJECT') return true;
  return /^(REST|SOAP)\.(PUT|POST|DELETE|COPY)\./.test(operation) && !operation.endsWith('_GET');
}

function matchesPattern(operation: string, pattern: string): boolean {
  if (pattern === WRITES) return isWriteOperation(operation);
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return operation.startsWith(pattern.slice(0, -1));
  return operation === pattern;
}

export function operationInScope(rules: S3LogRules, operation: string | null): boolean {
  if (!operation) return false;
  const patterns = rules.operations.length > 0 ? rules.operations : [WRITES];
  return patterns.some((p) => matchesPattern(operation, p));
}

/** The object name behind a logged key: S3 logs keys URL-encoded, spaces as `+`. */
export function decodeKey(loggedKey: string): string {
  try {
    return decodeURIComponent(loggedKey.replace(/\+/g, ' '));
  } catch {
    return loggedKey;
  }
}

function objectInScope(rules: S3LogRules, record: AccessLogRecord): boolean {
  if (rules.buckets.length > 0 && !rules.buckets.includes(record.bucket)) return false;
  if (rules.prefixes.length === 0) return true;
  if (!record.key) return false;
  const name = decodeKey(record.key);
  return rules.prefixes.some((p) => name.startsWith(p) || record.key!.startsWith(p));
}

/**
 * The incomplete-upload rule is on when starting an upload is an operation in
 * scope. It then follows every step of an upload, whatever the operation list
 * says about reporting them: an upload whose completion it did not see would
 * otherwise look unfinished.
 */
export function tracksUploads(rules: S3LogRules): boolean {
  return operationInScope(rules, MULTIPART_OPERATIONS.init);
}

export type Classified =
  | { readonly kind: 'ignore' }
  /** A step of a multipart upload, kept as upload state; `report` when a failure of it is to be reported. */
  | { readonly kind: 'upload-step'; readonly event: MultipartEvent; readonly report: boolean }
  /** A failed request outside any tracked upload. */
  | { readonly kind: 'failure' };

/** What the rules make of one record. Pure. */
export function classifyRecord(rules: S3LogRules, record: AccessLogRecord): Classified {
  if (!objectInScope(rules, record)) return { kind: 'ignore' };
  const report = record.failed && operationInScope(rules, record.operation);
  if (tracksUploads(rules)) {
    const event = multipartEventOf(record);
    if (event) return { kind: 'upload-step', event, report };
  }
  return report ? { kind: 'failure' } : { kind: 'ignore' };
}

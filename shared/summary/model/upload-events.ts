import type { MultipartEvent, MultipartRole } from '../../s3logs/multipart.ts';
import { boundedKey, MAX_PARTITION_KEY_BYTES } from './key-limits.ts';
import { SUMMARY_TABLE, type SummaryItem } from './table.ts';

/**
 * S3 multipart upload events: every logged multipart request of one object,
 * kept so that a completion logged in a later log object (or read by another
 * invocation) meets the start and the parts it belongs to. One partition per
 * object, sorted by time; keyed by the request, so reading a log object twice
 * changes nothing.
 */
export const UPLOAD_EVENT = {
  prefix: 'S3MPU#',
  attributes: {
    bucket: 'bucket',
    key: 'key',
    ts: 'ts',
    requestId: 'request_id',
    operation: 'operation',
    role: 'role',
    httpStatus: 'http_status',
    errorCode: 'error_code',
    uploadId: 'upload_id',
    partNumber: 'part_number',
  },
} as const;

// Partition keys take 2048 bytes; a URL-encoded S3 key can take more. Half of it leaves room.
const MAX_PK_BYTES = MAX_PARTITION_KEY_BYTES / 2;

const iso = (ms: number) => new Date(ms).toISOString();

/** All logged multipart requests of one object. */
export function uploadEventsKey(bucket: string, loggedKey: string): string {
  return boundedKey(`${UPLOAD_EVENT.prefix}${bucket}#`, loggedKey, MAX_PK_BYTES);
}

/** Request ids are unique; the time first makes a partition read back oldest first. */
export function uploadEventSortKey(ts: number, requestId: string): string {
  return `${iso(ts)}#${requestId}`;
}

/** The lower bound of sort keys at or after `ms`. */
export function sortKeyFrom(ms: number): string {
  return iso(ms);
}

/** The upper bound of sort keys at or before `ms` (any request id sorts below it). */
export function sortKeyUntil(ms: number): string {
  return `${iso(ms)}#\uffff`;
}

/** Absent values are stored as NULL, so every event item has the same attributes. */
export function uploadEventItem(e: MultipartEvent, expiresAt: number): SummaryItem {
  const a = UPLOAD_EVENT.attributes;
  return {
    [SUMMARY_TABLE.partitionKey]: uploadEventsKey(e.bucket, e.key),
    [SUMMARY_TABLE.sortKey]: uploadEventSortKey(e.ts, e.requestId),
    [a.bucket]: e.bucket,
    [a.key]: e.key,
    [a.ts]: e.ts,
    [a.requestId]: e.requestId,
    [a.operation]: e.operation,
    [a.role]: e.role,
    [a.httpStatus]: e.httpStatus,
    [a.errorCode]: e.errorCode,
    [a.uploadId]: e.uploadId,
    [a.partNumber]: e.partNumber,
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}

const numberOrNull = (v: unknown) => (typeof v === 'number' ? v : null);
const stringOrNull = (v: unknown) => (typeof v === 'string' ? v : null);

export function uploadEventFromItem(item: SummaryItem): MultipartEvent {
  const a = UPLOAD_EVENT.attributes;
  return {
    bucket: String(item[a.bucket]),
    key: String(item[a.key]),
    ts: Number(item[a.ts]),
    requestId: String(item[a.requestId]),
    operation: String(item[a.operation]),
    role: item[a.role] as MultipartRole,
    httpStatus: numberOrNull(item[a.httpStatus]),
    errorCode: stringOrNull(item[a.errorCode]),
    uploadId: stringOrNull(item[a.uploadId]),
    partNumber: numberOrNull(item[a.partNumber]),
  };
}

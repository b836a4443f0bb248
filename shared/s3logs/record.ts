/**
 * One request of an Amazon S3 server access log, field by field as AWS
 * documents the format ("Amazon S3 server access log format"). A field the log
 * writes as `-` (bare or quoted) is `null`; the key and the Request-URI are
 * kept exactly as logged (URL-encoded).
 */
export interface AccessLogRecord {
  readonly bucket_owner: string | null;
  readonly bucket: string;
  /** ISO 8601 in UTC, the bracketed offset applied. */
  readonly time: string;
  readonly remote_ip: string | null;
  readonly requester: string | null;
  readonly request_id: string | null;
  readonly operation: string | null;
  readonly key: string | null;
  readonly request_uri: string | null;
  readonly http_status: number | null;
  readonly error_code: string | null;
  readonly bytes_sent: number | null;
  readonly object_size: number | null;
  readonly total_time_ms: number | null;
  readonly turn_around_ms: number | null;
  readonly referrer: string | null;
  readonly user_agent: string | null;
  // From here on the fields were added over the years; older lines end earlier.
  readonly version_id: string | null;
  readonly host_id: string | null;
  readonly signature_version: string | null;
  readonly cipher_suite: string | null;
  readonly authentication_type: string | null;
  readonly host_header: string | null;
  readonly tls_version: string | null;
  readonly access_point_arn: string | null;
  readonly acl_required: string | null;
  readonly source_region: string | null;
  /** `http_status >= 400`. */
  readonly failed: boolean;
}

export type LineParse =
  | { readonly ok: true; readonly record: AccessLogRecord }
  | { readonly ok: false; readonly reason: string };

/** Epoch milliseconds of a record's `time`. */
export function recordTimeMs(record: Pick<AccessLogRecord, 'time'>): number {
  return Date.parse(record.time);
}

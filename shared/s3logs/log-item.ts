import { EXECUTION_LOG_TABLE } from '../tables.ts';
import type { S3Failure } from './items.ts';

/** The `source` the digest shows for failures found in S3 server access logs. */
export const S3_ACCESS_LOG_SOURCE = 's3-access-log';

const A = EXECUTION_LOG_TABLE.attributes;
const S = EXECUTION_LOG_TABLE.s3Attributes;

/**
 * The execution-log item of one S3 failure: the schema every writer uses
 * (`pk`, `status`, `event_ts`, `message`), the process and source the digest
 * groups and tags it by, and where in S3 it came from. What is unknown is left
 * out rather than written empty.
 */
export function executionLogItem(f: S3Failure): Record<string, unknown> {
  const optional: [string, string | number | undefined][] = [
    [S.key, f.key],
    [S.requestId, f.requestId],
    [S.operation, f.operation],
    [S.httpStatus, f.httpStatus],
    [S.errorCode, f.errorCode],
    [S.uploadId, f.uploadId],
    [S.evidence, f.evidence],
  ];
  return {
    [EXECUTION_LOG_TABLE.partitionKey]: f.pk,
    [A.status]: EXECUTION_LOG_TABLE.failedStatus,
    [A.eventTs]: f.eventTs,
    [A.message]: f.message,
    [A.process]: f.process,
    [A.source]: S3_ACCESS_LOG_SOURCE,
    [S.bucket]: f.bucket,
    ...Object.fromEntries(optional.filter(([, value]) => value !== undefined)),
  };
}

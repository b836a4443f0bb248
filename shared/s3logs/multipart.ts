import type { AccessLogRecord } from './record.ts';
import { recordTimeMs } from './record.ts';

/** The operations of a multipart upload, as S3 logs them. */
export const MULTIPART_OPERATIONS = {
  /** CreateMultipartUpload: `POST /key?uploads`; the upload id is only in the response, not in the log. */
  init: 'REST.POST.UPLOADS',
  /** UploadPart: `PUT /key?partNumber=N&uploadId=ID`. */
  part: 'REST.PUT.PART',
  /** UploadPartCopy. */
  partCopy: 'REST.COPY.PART',
  /** CompleteMultipartUpload: `POST /key?uploadId=ID`. */
  complete: 'REST.POST.UPLOAD',
  /** AbortMultipartUpload: `DELETE /key?uploadId=ID`. */
  abort: 'REST.DELETE.UPLOAD',
} as const;

export type MultipartRole = 'init' | 'part' | 'complete' | 'abort';

export function multipartRole(operation: string | null): MultipartRole | undefined {
  switch (operation) {
    case MULTIPART_OPERATIONS.init:
      return 'init';
    case MULTIPART_OPERATIONS.part:
    case MULTIPART_OPERATIONS.partCopy:
      return 'part';
    case MULTIPART_OPERATIONS.complete:
      return 'complete';
    case MULTIPART_OPERATIONS.abort:
      return 'abort';
    default:
      return undefined;
  }
}

/** One multipart request, reduced to what the upload rules need. */
export interface MultipartEvent {
  readonly bucket: string;
  /** As logged (URL-encoded). */
  readonly key: string;
  readonly ts: number;
  readonly requestId: string;
  readonly operation: string;
  readonly role: MultipartRole;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly uploadId: string | null;
  readonly partNumber: number | null;
}

/** A query parameter of a logged Request-URI (`PUT /k?partNumber=4&uploadId=x HTTP/1.1`), decoded. */
export function queryParam(requestUri: string | null, name: string): string | null {
  if (!requestUri) return null;
  const target = requestUri.split(' ')[1] ?? '';
  const q = target.indexOf('?');
  if (q < 0) return null;
  for (const pair of target.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    if (k !== name) continue;
    const v = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  }
  return null;
}

/** The multipart event of a record, or undefined when the record is no multipart request. */
export function multipartEventOf(record: AccessLogRecord): MultipartEvent | undefined {
  const role = multipartRole(record.operation);
  if (!role || !record.key || !record.request_id) return undefined;
  const part = queryParam(record.request_uri, 'partNumber');
  const partNumber = part !== null && /^\d+$/.test(part) ? Number(part) : null;
  return {
    bucket: record.bucket,
    key: record.key,
    ts: recordTimeMs(record),
    requestId: record.request_id,
    operation: record.operation!,
    role,
    httpStatus: record.http_status,
    errorCode: record.error_code,
    uploadId: role === 'init' ? null : queryParam(record.request_uri, 'uploadId'),
    partNumber: role === 'part' ? partNumber : null,
  };
}

export const isOk = (status: number | null): boolean => status !== null && status >= 200 && status < 300;
export const isFailure = (status: number | null): boolean => status !== null && status >= 400;

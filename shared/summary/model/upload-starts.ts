import type { MultipartEvent } from '../../s3logs/multipart.ts';
import type { UploadFate } from '../../s3logs/uploads.ts';
import { keyItem, SUMMARY_TABLE, type SummaryItem, type SummaryKey } from './table.ts';
import { UPLOAD_EVENT, uploadEventSortKey } from './upload-events.ts';

/**
 * S3 multipart upload starts, by UTC day of the start: what the hourly sweep
 * reads to find uploads whose grace period ran out without anyone looking at
 * them again. A start is marked with its verdict once judged, so the sweep
 * stops reading it.
 */
export const UPLOAD_START = {
  prefix: 'S3MPU-START#',
  attributes: {
    bucket: UPLOAD_EVENT.attributes.bucket,
    key: UPLOAD_EVENT.attributes.key,
    requestId: UPLOAD_EVENT.attributes.requestId,
    startMs: 'start_ms',
    decided: 'decided',
  },
} as const;

/** An upload start the sweep still has to judge. */
export interface OpenStart {
  readonly bucket: string;
  readonly key: string;
  readonly startMs: number;
  readonly requestId: string;
}

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function uploadStartsKey(startMs: number): string {
  return `${UPLOAD_START.prefix}${utcDay(startMs)}`;
}

/** Every starts partition from the day of `fromMs` to the day of `toMs`. */
export function uploadStartsKeys(fromMs: number, toMs: number): string[] {
  const keys: string[] = [];
  const first = Date.parse(`${utcDay(fromMs)}T00:00:00Z`);
  for (let day = first; day <= toMs; day += DAY_MS) keys.push(uploadStartsKey(day));
  return keys;
}

/** The start item of an upload's first request; sorted like its events. */
export function uploadStartKey(init: Pick<MultipartEvent, 'ts' | 'requestId'>): SummaryKey {
  return { pk: uploadStartsKey(init.ts), sk: uploadEventSortKey(init.ts, init.requestId) };
}

export function uploadStartItem(init: MultipartEvent, expiresAt: number): SummaryItem {
  const a = UPLOAD_START.attributes;
  return {
    ...keyItem(uploadStartKey(init)),
    [a.bucket]: init.bucket,
    [a.key]: init.key,
    [a.startMs]: init.ts,
    [a.requestId]: init.requestId,
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}

/** What recording the verdict on a start sets. */
export function decidedFields(fate: UploadFate): SummaryItem {
  return { [UPLOAD_START.attributes.decided]: fate };
}

export function openStartFromItem(item: SummaryItem): OpenStart {
  const a = UPLOAD_START.attributes;
  return { bucket: String(item[a.bucket]), key: String(item[a.key]), startMs: Number(item[a.startMs]), requestId: String(item[a.requestId]) };
}

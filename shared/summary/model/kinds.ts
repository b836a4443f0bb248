import { HEARTBEAT_ROUND, HEARTBEAT_SLOTS, WATERMARK } from './capture-evidence.ts';
import { COVERAGE } from './coverage.ts';
import { DAY_ENTRY } from './day-entry.ts';
import { DAY_GROUP } from './day-group.ts';
import { DAY_ROLLUP } from './day-rollup.ts';
import { DAY_STATE } from './day-state.ts';
import { GROUP_INFO } from './group-info.ts';
import { SENT_MARKER } from './sent-marker.ts';
import { SIGNATURE_REGISTRY } from './signature-registry.ts';
import { UNREADABLE } from './unreadable.ts';
import { UPLOAD_EVENT } from './upload-events.ts';
import { UPLOAD_START } from './upload-starts.ts';

/**
 * Every kind of item in the summary table, by the partition key prefix that
 * tells it apart. They share one table, so no prefix may begin another: a
 * new kind is registered here, and the unit tests check the prefixes.
 */
export const SUMMARY_KINDS = {
  dayEntry: DAY_ENTRY.prefix,
  dayGroup: DAY_GROUP.prefix,
  groupInfo: GROUP_INFO.prefix,
  dayRollup: DAY_ROLLUP.prefix,
  signature: SIGNATURE_REGISTRY.prefix,
  unreadable: UNREADABLE.prefix,
  coverage: COVERAGE.prefix,
  dayState: DAY_STATE.prefix,
  sentMarker: SENT_MARKER.prefix,
  uploadEvent: UPLOAD_EVENT.prefix,
  uploadStart: UPLOAD_START.prefix,
  watermark: WATERMARK.prefix,
  heartbeatRound: HEARTBEAT_ROUND.prefix,
  heartbeatSlots: HEARTBEAT_SLOTS.prefix,
} as const;

export type SummaryKind = keyof typeof SUMMARY_KINDS;


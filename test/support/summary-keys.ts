import { heartbeatRoundKey, heartbeatSlotsKey, watermarkKey } from '../../shared/summary/model/capture-evidence.ts';
import { coverageKey } from '../../shared/summary/model/coverage.ts';
import { allDayKeys } from '../../shared/summary/model/day-entry.ts';
import { allGroupKeys } from '../../shared/summary/model/day-group-key.ts';
import { groupInfoPartition } from '../../shared/summary/model/group-info.ts';
import { rollupKey } from '../../shared/summary/model/day-rollup.ts';
import { dayStateKey } from '../../shared/summary/model/day-state.ts';
import type { SummaryKind } from '../../shared/summary/model/kinds.ts';
import { sentMarkerKey } from '../../shared/summary/model/sent-marker.ts';
import { signatureKey } from '../../shared/summary/model/signature-registry.ts';
import { unreadableKey } from '../../shared/summary/model/unreadable.ts';
import { uploadEventsKey } from '../../shared/summary/model/upload-events.ts';
import { uploadStartsKey } from '../../shared/summary/model/upload-starts.ts';

const TS = Date.parse('2026-11-25T08:15:30.123Z');
const DAY = '2026-11-25';
// A zone with slashes and one without: a pattern must not stop at either.
const ZONES = ['Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC'];
// Long enough that the key builder hashes it.
const LONG_S3_KEY = `backups/${'x'.repeat(3000)}.tar`;

/**
 * Partition keys of each kind, built by the kind's own key builders: what
 * the code really writes, for tests that match keys against prefixes or
 * policy patterns.
 */
export const SAMPLE_PARTITION_KEYS: Record<SummaryKind, readonly string[]> = {
  dayEntry: ZONES.flatMap((tz) => allDayKeys(tz, DAY)),
  dayGroup: ZONES.flatMap((tz) => allGroupKeys(tz, DAY)),
  groupInfo: ZONES.map((tz) => groupInfoPartition(tz, DAY)),
  dayRollup: ZONES.map((tz) => rollupKey(tz, DAY).pk),
  // A process name with a `#`, and one long enough that the key builder hashes it.
  signature: ['nightly-export', 'etl#stage-2', 'p'.repeat(3000)].map((process) => signatureKey({ process, signature: '0123456789abcdef' }).pk),
  unreadable: ZONES.map((tz) => unreadableKey(tz, DAY)),
  coverage: ZONES.map((tz) => coverageKey(tz).pk),
  dayState: ZONES.map((tz) => dayStateKey(tz, DAY).pk),
  sentMarker: ZONES.map((tz) => sentMarkerKey(tz, DAY).pk),
  uploadEvent: [uploadEventsKey('acme-backup-vault', 'recordings/backup.tar'), uploadEventsKey('acme-backup-vault', LONG_S3_KEY)],
  uploadStart: [uploadStartsKey(TS), uploadStartsKey(0)],
  watermark: [watermarkKey(0).pk, watermarkKey(3).pk],
  heartbeatRound: [heartbeatRoundKey(TS).pk, heartbeatRoundKey(0).pk],
  heartbeatSlots: [heartbeatSlotsKey().pk],
};

import type { Completeness } from '../../shared/evidence/completeness.ts';

/** A completeness judgement for report tests that are not about it. */
export const COMPLETE: Completeness = { complete: true, evidence: { kind: 'rebuilt', rebuiltMs: Date.parse('2026-11-26T06:00:00Z') } };

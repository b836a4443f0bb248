import type { DynamoDBRecord } from 'aws-lambda';
import type { EvidenceStore } from '../evidence/store.ts';
import { captureRecord, type CaptureDeps, type CaptureResult } from './capture.ts';
import { readHeartbeat } from './heartbeat.ts';

export interface ProcessDeps extends CaptureDeps {
  readonly evidence: EvidenceStore;
}

/**
 * What the consumer does with one record the mapping delivered, and what the
 * on-failure handler does with one it read back: a heartbeat moves its
 * slot's watermark, anything else is captured.
 */
export async function processStreamRecord(deps: ProcessDeps, record: DynamoDBRecord): Promise<CaptureResult | 'heartbeat'> {
  const heartbeat = readHeartbeat(record);
  if (!heartbeat) return captureRecord(deps, record);
  await deps.evidence.advanceWatermark(heartbeat);
  return 'heartbeat';
}

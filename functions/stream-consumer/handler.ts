import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { arrivalMs } from '../../shared/capture/classify.ts';
import { processStreamRecord } from '../../shared/capture/process-record.ts';
import type { EvidenceStore } from '../../shared/evidence/store.ts';
import type { SummaryStore } from '../../shared/summary/store.ts';

export interface StreamConsumerDeps {
  readonly store: SummaryStore;
  readonly evidence: EvidenceStore;
  readonly tz: string;
  readonly clock: () => number;
  readonly logger: Logger;
}

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

export function createStreamConsumerHandler(deps: StreamConsumerDeps): StreamHandler {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const capture = { ...deps, onUnreadable: (info: object) => deps.logger.error('Unreadable FAILED record filed', { ...info }) };
  let coverageRecorded = false;

  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    await processStreamRecord(capture, record);
  };

  return async (event, context) => {
    if (!coverageRecorded && event.Records.length > 0) {
      const since = Math.min(...event.Records.map((r) => arrivalMs(r, deps.clock())));
      await deps.store.ensureCoverage(deps.tz, since);
      coverageRecorded = true;
    }
    // Every write has a key derived from its record and is idempotent, and an
    // entry only takes a record newer than the one it holds (by sequence
    // number), so the order of a batch's writes does not matter: running them
    // together takes one write's latency instead of one per record. A record
    // that fails is still reported on its own, and Lambda retries from the
    // lowest failed one.
    const response = await processPartialResponse(event, recordHandler, processor, { context, processInParallel: true });
    deps.logger.info('Batch processed', { records: event.Records.length, failed: response.batchItemFailures.length });
    return response;
  };
}

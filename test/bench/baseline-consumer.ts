import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBRecord } from 'aws-lambda';
import { captureRecord } from '../../shared/capture/capture.ts';
import { arrivalMs } from '../../shared/capture/classify.ts';
import type { StreamConsumerDeps, StreamHandler } from '../../functions/stream-consumer/handler.ts';

/**
 * The stream consumer as it was before it processed a batch's records in
 * parallel: one PutItem after the other. Kept only so the benchmark can show
 * both side by side on the same machine in the same run.
 */
export function createSequentialConsumer(deps: StreamConsumerDeps): StreamHandler {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  let coverageRecorded = false;
  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    await captureRecord(deps, record);
  };
  return async (event, context) => {
    if (!coverageRecorded && event.Records.length > 0) {
      await deps.store.ensureCoverage(deps.tz, Math.min(...event.Records.map((r) => arrivalMs(r, deps.clock()))));
      coverageRecorded = true;
    }
    return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
  };
}

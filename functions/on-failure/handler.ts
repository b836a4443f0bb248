import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MalformedOnFailureRecordError, parseOnFailureMessage } from '../../shared/recovery/on-failure-record.ts';
import { recoverRange, type RangeOutcome, type RecoveryDeps } from '../../shared/recovery/recover-range.ts';

export interface OnFailureHandlerDeps {
  readonly recovery: RecoveryDeps;
  readonly logger: Logger;
  /** Hears what became of each range, e.g. to tell the person running the local stack. @default nothing */
  readonly onOutcome?: (outcome: RangeOutcome) => void;
}

export type OnFailureHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * SQS messages from the stream mapping's on-failure destination → one
 * recovered range each. A message that fails (a malformed body, the stream or
 * the table not answering) is reported alone, so SQS retries only it and, in
 * the end, moves it to the dead-letter queue.
 */
export function createOnFailureHandler(deps: OnFailureHandlerDeps): OnFailureHandler {
  const processor = new BatchProcessor(EventType.SQS);
  const { logger } = deps;
  const recovery: RecoveryDeps = { ...deps.recovery, onUnreadable: (info) => logger.error('Unreadable FAILED record filed', { ...info }) };

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    let failure;
    try {
      failure = parseOnFailureMessage(record.body);
    } catch (error) {
      const message = `On-failure message ${record.messageId} is malformed: ${(error as Error).message}`;
      logger.error(message);
      throw new MalformedOnFailureRecordError(message);
    }
    const outcome = await recoverRange(recovery, failure);
    if (outcome.status === 'lost') logger.warn('Dropped stream records could not be read back', { ...outcome });
    else logger.info('Dropped stream records recovered', { ...outcome });
    deps.onOutcome?.(outcome);
  };

  // One range at a time: each may write a hundred records into a table that was just throttling.
  return (event, context) => processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
}

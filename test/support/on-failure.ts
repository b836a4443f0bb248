import type { OnFailureRecord, StreamBatchInfo } from '../../shared/recovery/on-failure-record.ts';

/** A range as a stream mapping's on-failure record names it: one arrival time, discarded now. */
export function onFailureRange(
  info: Pick<StreamBatchInfo, 'streamArn' | 'shardId' | 'startSequenceNumber' | 'batchSize'> & Partial<StreamBatchInfo>,
  arrived: string,
  condition = 'RetryAttemptsExhausted',
): OnFailureRecord {
  return {
    requestContext: { condition },
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      endSequenceNumber: info.startSequenceNumber,
      approximateArrivalOfFirstRecord: arrived,
      approximateArrivalOfLastRecord: arrived,
      ...info,
    },
  };
}

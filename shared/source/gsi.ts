import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readExecutionItem, type FailureEntry } from '../capture/entry.ts';
import type { ReadStats } from '../summary/store.ts';
import { EXECUTION_LOG_TABLE } from '../tables.ts';
import type { DayWindow } from '../time/report-day.ts';

/** An item the index returned that cannot be read as a failure (a `message` that is not a string, ...). */
export interface UnreadableIndexItem {
  readonly pk: string;
  readonly reason: string;
}

export interface GsiRead {
  readonly entries: FailureEntry[];
  readonly unreadable: UnreadableIndexItem[];
}

/**
 * The approach users run today, kept as the fallback and the backfill source:
 * `status = FAILED AND event_ts` in the half-open window, every page.
 */
export async function queryFailedInWindow(
  dynamodb: DynamoDBClient,
  table: string,
  gsiName: string,
  window: Pick<DayWindow, 'start_ms' | 'end_ms'>,
  nowMs: number,
  stats?: ReadStats,
): Promise<GsiRead> {
  const entries: FailureEntry[] = [];
  const unreadable: UnreadableIndexItem[] = [];
  let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: table,
        IndexName: gsiName,
        KeyConditionExpression: '#status = :failed AND #ts BETWEEN :start AND :last',
        ExpressionAttributeNames: { '#status': EXECUTION_LOG_TABLE.gsi.partitionKey, '#ts': EXECUTION_LOG_TABLE.gsi.sortKey },
        ExpressionAttributeValues: {
          ':failed': { S: EXECUTION_LOG_TABLE.failedStatus },
          ':start': { N: String(window.start_ms) },
          // event_ts is whole milliseconds: BETWEEN start AND end-1 is [start, end).
          ':last': { N: String(window.end_ms - 1) },
        },
        ExclusiveStartKey: startKey,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    if (stats) {
      stats.pages += 1;
      stats.rcu += page.ConsumedCapacity?.CapacityUnits ?? 0;
    }
    for (const item of page.Items ?? []) {
      const read = readExecutionItem(item, nowMs);
      if (read.kind === 'failure') entries.push(read.entry);
      // The table's key is pk, a string: every item the index returns has one.
      else if (read.kind === 'unreadable') unreadable.push({ pk: String(item[EXECUTION_LOG_TABLE.partitionKey]?.S), reason: read.reason });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { entries, unreadable };
}

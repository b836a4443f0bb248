import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { reportDayOf, addDays } from '../../shared/time/report-day.ts';
import { generateDay, type ExecutionItem } from './demo-data.ts';

export interface DemoWrite {
  readonly yesterday: string;
  readonly today: string;
  readonly items: number;
  readonly failed: number;
  readonly failedYesterday: number;
}

/** Writes yesterday's full day and today's runs so far, as the teams' jobs would. */
export async function writeDemoData(doc: DynamoDBDocumentClient, table: string, tz: string, nowMs: number): Promise<DemoWrite> {
  const today = reportDayOf(nowMs, tz);
  const yesterday = addDays(today, -1);
  const days: ExecutionItem[][] = [generateDay({ date: yesterday, tz }), generateDay({ date: today, tz, untilMs: nowMs })];
  const items = days.flat();
  await batchPutAll(doc, table, items as unknown as Record<string, unknown>[], 8);
  const failed = (list: ExecutionItem[]) => list.filter((i) => i.status === 'FAILED').length;
  return { yesterday, today, items: items.length, failed: failed(items), failedYesterday: failed(days[0]!) };
}

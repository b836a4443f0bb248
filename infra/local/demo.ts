import { Readable } from 'node:stream';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { loadS3LogConfig } from '../../shared/settings/components.ts';
import { settingsEnv } from '../../shared/settings/read.ts';
import { s3LogDeps } from '../../shared/s3logs/deps.ts';
import { ingestLogs, type IngestResult } from '../../shared/s3logs/ingest.ts';
import { reportDayOf, addDays } from '../../shared/time/report-day.ts';
import { generateDay, type ExecutionItem } from './demo-data.ts';
import { generateBackupDay } from './demo-s3-logs.ts';

export interface DemoWrite {
  readonly yesterday: string;
  readonly today: string;
  readonly items: number;
  readonly failed: number;
  readonly failedYesterday: number;
  /** Yesterday's S3 access log day, when the demo includes one. */
  readonly s3?: { readonly bucket: string; readonly failedKey: string; readonly ingest: IngestResult };
}

export interface DemoS3Options {
  /** Where upload state is kept. */
  readonly summaryTable: string;
  readonly retentionDays: number;
}

/**
 * Writes yesterday's full day and today's runs so far, as the teams' jobs
 * would; with `s3`, also reads yesterday's access log of a backup bucket
 * (one upload lost parts and never completed, one went through) through the
 * same use case the ingester Lambda runs, so the digest shows both sources.
 */
export async function writeDemoData(
  doc: DynamoDBDocumentClient,
  table: string,
  tz: string,
  nowMs: number,
  s3?: DemoS3Options,
): Promise<DemoWrite> {
  const today = reportDayOf(nowMs, tz);
  const yesterday = addDays(today, -1);
  const days: ExecutionItem[][] = [generateDay({ date: yesterday, tz }), generateDay({ date: today, tz, untilMs: nowMs })];
  const items = days.flat();
  await batchPutAll(doc, table, items as unknown as Record<string, unknown>[], 8);
  const failed = (list: ExecutionItem[]) => list.filter((i) => i.status === 'FAILED').length;
  const write = { yesterday, today, items: items.length, failed: failed(items), failedYesterday: failed(days[0]!) };
  if (!s3) return write;

  const day = generateBackupDay({ date: yesterday, tz });
  const config = loadS3LogConfig(settingsEnv({ executionTable: table, summaryTable: s3.summaryTable, retentionDays: s3.retentionDays }));
  const sources = day.objects.map((o) => ({ name: o.name, open: async () => Readable.from([o.body]) }));
  const ingest = await ingestLogs(s3LogDeps({ doc }, config, () => nowMs), sources);
  return { ...write, s3: { bucket: day.bucket, failedKey: day.failedKey, ingest } };
}

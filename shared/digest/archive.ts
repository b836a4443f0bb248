import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';

/** A rendered report that could not be sent, kept so that `resend` mails exactly it. */
export const KeptReportSchema = z.object({
  tz: z.string(),
  date: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  count: z.number(),
  source: z.string(),
  keptMs: z.number(),
  /** The ledger state that made it worth keeping. */
  status: z.string(),
});
export type KeptReport = z.infer<typeof KeptReportSchema>;

export interface ReportArchive {
  /** Keeps the report and says where, as a person can fetch it. */
  keep(report: KeptReport): Promise<string>;
  fetch(tz: string, date: string): Promise<KeptReport | undefined>;
  /** Keeps a file of the day (the CSV of a day too large for its email) beside its report, and says where. */
  keepFile(tz: string, date: string, file: KeptFile): Promise<string>;
}

export interface KeptFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** A kept report that does not read back as one: named, never resent half-read. */
export class KeptReportUnreadableError extends Error {
  constructor(at: string, why: string) {
    super(`the kept report at ${at} cannot be read: ${why}`);
    this.name = 'KeptReportUnreadableError';
  }
}

// One object per day: the zone's slash makes a folder, as it does in the summary keys.
const relativePath = (tz: string, date: string) => `${tz}/${date}.json`;
// The file's own name says its day; a name from elsewhere never climbs out of the folder.
const filePath = (tz: string, date: string, fileName: string) => `${tz}/${date}/${fileName.replace(/[/\\]/g, '_')}`;

async function writeWhole(file: string, body: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Written whole, then moved into place: a crash never leaves half a file that looks whole.
  const partial = `${file}.partial`;
  await writeFile(partial, body);
  await rename(partial, file);
}

function parseKept(at: string, body: string): KeptReport {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new KeptReportUnreadableError(at, (e as Error).message);
  }
  const read = KeptReportSchema.safeParse(json);
  if (!read.success) throw new KeptReportUnreadableError(at, read.error.issues[0]?.message ?? 'not a kept report');
  return read.data;
}

/** Reports kept in a folder of this machine (the local stack, or a CLI run). */
export function folderArchive(dir: string): ReportArchive {
  return {
    async keep(report) {
      const file = join(dir, relativePath(report.tz, report.date));
      await writeWhole(file, `${JSON.stringify(report, null, 2)}\n`);
      return file;
    },
    async keepFile(tz, date, kept) {
      const file = join(dir, filePath(tz, date, kept.fileName));
      await writeWhole(file, kept.bytes);
      return file;
    },
    async fetch(tz, date) {
      const file = join(dir, relativePath(tz, date));
      let body: string;
      try {
        body = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      return parseKept(file, body);
    },
  };
}

/** Reports kept in S3 (the deployed stack): one object per report day under the prefix. */
export function s3Archive(s3: S3Client, bucket: string, prefix: string): ReportArchive {
  const key = (tz: string, date: string) => `${prefix}${relativePath(tz, date)}`;
  return {
    async keep(report) {
      const Key = key(report.tz, report.date);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: JSON.stringify(report), ContentType: 'application/json' }));
      return `s3://${bucket}/${Key}`;
    },
    async keepFile(tz, date, kept) {
      const Key = `${prefix}${filePath(tz, date, kept.fileName)}`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: kept.bytes, ContentType: kept.contentType }));
      return `s3://${bucket}/${Key}`;
    },
    async fetch(tz, date) {
      const Key = key(tz, date);
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        return parseKept(`s3://${bucket}/${Key}`, (await out.Body?.transformToString('utf8')) ?? '');
      } catch (e) {
        if (e instanceof NoSuchKey) return undefined;
        throw e;
      }
    },
  };
}

/** The archive a `REPORT_ARCHIVE` value names: `s3://bucket/prefix/`, or an absolute folder. */
export function archiveAt(location: string, s3: S3Client): ReportArchive {
  const s3Location = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!s3Location) return folderArchive(location);
  const prefix = s3Location[2] ?? '';
  return s3Archive(s3, s3Location[1] ?? '', prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);
}

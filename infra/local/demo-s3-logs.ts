import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { dayWindow } from '../../shared/time/report-day.ts';
import { mulberry32 } from './demo-data.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const VENDOR = 'arn:aws:sts::123456789012:assumed-role/vendor-backup-uploader/recorder-07';
const VENDOR_AGENT = 'aws-sdk-java/2.25.60 Linux/5.10.219-208.866.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard';
const MIB = 1_048_576;

/** One request as the generator writes it; what is left out is logged as `-`. */
export interface GeneratedRequest {
  readonly bucket: string;
  readonly ts: number;
  readonly operation: string;
  readonly key: string | null;
  readonly requestUri: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly bytesSent?: number;
  readonly objectSize?: number;
  readonly totalMs: number;
  readonly turnAroundMs?: number;
  readonly requester?: string;
  readonly userAgent?: string;
  readonly remoteIp?: string;
}

const two = (n: number) => String(n).padStart(2, '0');
const dash = (v: string | number | undefined) => (v === undefined ? '-' : String(v));

function logTime(ms: number): string {
  const d = new Date(ms);
  return `[${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000]`;
}

/** A request id in S3's shape: 16 upper-case hex digits, stable for the same seed text. */
export function requestIdOf(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 16).toUpperCase();
}

/** One line in today's full format (27 fields, up to the source region). */
export function formatAccessLogLine(r: GeneratedRequest): string {
  const id = requestIdOf(`${r.bucket}|${r.ts}|${r.operation}|${r.requestUri}`);
  const hostId = createHash('sha256').update(id).digest('base64');
  return [
    OWNER,
    r.bucket,
    logTime(r.ts),
    r.remoteIp ?? '203.0.113.45',
    r.requester ?? VENDOR,
    id,
    r.operation,
    r.key ?? '-',
    `"${r.requestUri}"`,
    String(r.status),
    r.errorCode ?? '-',
    dash(r.bytesSent),
    dash(r.objectSize),
    String(r.totalMs),
    dash(r.turnAroundMs),
    '"-"',
    `"${r.userAgent ?? VENDOR_AGENT}"`,
    '-',
    hostId,
    'SigV4',
    'TLS_AES_128_GCM_SHA256',
    'AuthHeader',
    `${r.bucket}.s3.eu-west-1.amazonaws.com`,
    'TLSv1.3',
    '-',
    '-',
    'eu-west-1',
  ].join(' ');
}

export interface UploadSpec {
  readonly bucket: string;
  /** As S3 logs it (URL-encoded). */
  readonly key: string;
  readonly startMs: number;
  readonly parts: number;
  readonly partBytes?: number;
  /** Seconds between parts. @default 12 */
  readonly everySeconds?: number;
  /** Parts whose upload fails, with the error S3 returned. */
  readonly failedParts?: ReadonlyMap<number, { readonly status: number; readonly errorCode: string }>;
  /** Send each failed part again, successfully. @default false */
  readonly retryFailed?: boolean;
  /** Send a successful CompleteMultipartUpload at the end. */
  readonly complete: boolean;
}

/** The requests of one multipart upload, as a vendor SDK sends them. */
export function multipartUpload(spec: UploadSpec): GeneratedRequest[] {
  const uploadId = createHash('sha256').update(`${spec.bucket}/${spec.key}@${spec.startMs}`).digest('base64url').slice(0, 86);
  const path = `/${spec.key}`;
  const every = (spec.everySeconds ?? 12) * 1000;
  const size = spec.partBytes ?? 64 * MIB;
  const base = { bucket: spec.bucket, key: spec.key };
  const out: GeneratedRequest[] = [
    { ...base, ts: spec.startMs, operation: 'REST.POST.UPLOADS', requestUri: `POST ${path}?uploads HTTP/1.1`, status: 200, bytesSent: 412, totalMs: 41, turnAroundMs: 39 },
  ];
  let t = spec.startMs + 2000;
  for (let n = 1; n <= spec.parts; n++, t += every) {
    const uri = `PUT ${path}?partNumber=${n}&uploadId=${uploadId} HTTP/1.1`;
    const failure = spec.failedParts?.get(n);
    if (failure) {
      out.push({ ...base, ts: t, operation: 'REST.PUT.PART', requestUri: uri, status: failure.status, errorCode: failure.errorCode, bytesSent: 340, objectSize: size, totalMs: 2_150, turnAroundMs: 4 });
      if (!spec.retryFailed) continue;
      t += 3000;
    }
    out.push({ ...base, ts: t, operation: 'REST.PUT.PART', requestUri: uri, status: 200, objectSize: size, totalMs: 9_400, turnAroundMs: 31 });
  }
  if (spec.complete) {
    out.push({ ...base, ts: t, operation: 'REST.POST.UPLOAD', requestUri: `POST ${path}?uploadId=${uploadId} HTTP/1.1`, status: 200, bytesSent: 371, objectSize: size * spec.parts, totalMs: 880, turnAroundMs: 862 });
  }
  return out;
}

/** One log object as S3 delivers it: named by the minute it was written, lines in time order. */
export interface GeneratedLogObject {
  readonly name: string;
  readonly body: Buffer;
  readonly gzipped: boolean;
}

/**
 * Cuts requests into log objects the way S3 delivers them: one per hour here
 * (S3 writes several per hour when busy), named `YYYY-MM-DD-HH-MM-SS-<id>`.
 * Objects listed in `gzipHours` are gzipped, as copies and exports often are.
 */
export function logObjects(requests: readonly GeneratedRequest[], gzipHours: readonly number[] = []): GeneratedLogObject[] {
  const byHour = new Map<number, GeneratedRequest[]>();
  for (const r of [...requests].sort((a, b) => a.ts - b.ts)) {
    const hour = Math.floor(r.ts / 3_600_000);
    byHour.set(hour, [...(byHour.get(hour) ?? []), r]);
  }
  return [...byHour.entries()].map(([hour, list]) => {
    const written = new Date((hour + 1) * 3_600_000 + 17 * 60_000 + 3_000).toISOString();
    const name = `${written.slice(0, 19).replace(/[T:]/g, '-')}-${requestIdOf(`object${hour}`)}`;
    const text = `${list.map(formatAccessLogLine).join('\n')}\n`;
    const gzipped = gzipHours.includes(new Date(hour * 3_600_000).getUTCHours());
    return { name: gzipped ? `${name}.gz` : name, body: gzipped ? gzipSync(text) : Buffer.from(text), gzipped };
  });
}

export interface BackupDay {
  readonly date: string;
  readonly bucket: string;
  /** The upload that lost three parts to SlowDown and was never completed. */
  readonly failedKey: string;
  /** The upload that went through. */
  readonly completedKey: string;
  readonly requests: readonly GeneratedRequest[];
  readonly objects: readonly GeneratedLogObject[];
}

/**
 * A day of a backup bucket's access log, local date `date` in `tz`: the
 * vendor's nightly recording archive, whose upload lost 3 of its 120 parts to
 * SlowDown and was never completed; a smaller archive that went through; and
 * the reads and lookups a bucket sees all day. The hour of the failed upload
 * is delivered gzipped.
 */
export function generateBackupDay(options: { date: string; tz: string; bucket?: string }): BackupDay {
  const w = dayWindow(options.date, options.tz);
  const rng = mulberry32(Number(options.date.replaceAll('-', '')) ^ 0x53334c);
  const bucket = options.bucket ?? 'acme-backup-vault';
  const failedKey = `recordings/backup-${options.date}.tar`;
  const completedKey = `recordings/config-${options.date}.tar`;
  // 01:45 local: the upload runs past the hour, so its requests land in two log objects.
  const failedStart = w.start_ms + 105 * 60_000;
  const slowDown = { status: 503, errorCode: 'SlowDown' };
  const requests: GeneratedRequest[] = [
    ...multipartUpload({
      bucket,
      key: failedKey,
      startMs: failedStart,
      parts: 120,
      failedParts: new Map([
        [37, slowDown],
        [38, slowDown],
        [88, slowDown],
      ]),
      complete: false,
    }),
    ...multipartUpload({ bucket, key: completedKey, startMs: w.start_ms + 190 * 60_000, parts: 12, partBytes: 16 * MIB, complete: true }),
  ];
  for (let i = 0; i < 40; i++) {
    const ts = w.start_ms + Math.floor(rng() * (w.end_ms - w.start_ms - 60_000));
    const day = options.date.replaceAll('-', '/');
    const key = `recordings/${day}/index-${i % 4}.json`;
    const missing = i % 10 === 9;
    requests.push({
      bucket,
      ts,
      operation: missing ? 'REST.HEAD.OBJECT' : 'REST.GET.OBJECT',
      key,
      requestUri: `${missing ? 'HEAD' : 'GET'} /${key} HTTP/1.1`,
      status: missing ? 404 : 200,
      ...(missing ? { errorCode: 'NoSuchKey', bytesSent: 0 } : { bytesSent: 5_120, objectSize: 5_120 }),
      totalMs: 12 + Math.floor(rng() * 40),
      turnAroundMs: 9,
      requester: 'arn:aws:iam::123456789012:user/auditor',
      userAgent: 'aws-cli/2.17.3 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.9',
      remoteIp: '2001:db8:85a3::8a2e:370:7334',
    });
  }
  const gzipHour = new Date(failedStart).getUTCHours();
  return { date: options.date, bucket, failedKey, completedKey, requests, objects: logObjects(requests, [gzipHour]) };
}

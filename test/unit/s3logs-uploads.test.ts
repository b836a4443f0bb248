import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { correctionsForKey, itemsForKey, objectName, requestItem, requestPk, uploadPk } from '../../shared/s3logs/items.ts';
import { executionLogItem, S3_ACCESS_LOG_SOURCE } from '../../shared/s3logs/log-item.ts';
import { uploadSentence } from '../../shared/s3logs/messages.ts';
import type { MultipartEvent } from '../../shared/s3logs/multipart.ts';
import { parseLogStream } from '../../shared/s3logs/read-lines.ts';
import { classifyRecord, type S3LogRules } from '../../shared/s3logs/rules.ts';
import { uploadEventsKey } from '../../shared/summary/model/upload-events.ts';
import { evaluateUploads, type Upload } from '../../shared/s3logs/uploads.ts';
import { generateBackupDay } from '../../infra/local/demo-s3-logs.ts';

const H = 3_600_000;
const GRACE = 6 * H;
const RULES: S3LogRules = { buckets: [], prefixes: [], operations: ['writes'], graceMs: GRACE };
const T0 = Date.parse('2026-11-25T01:45:00Z');
const KEY = 'backup-2026-11-25.tar';

let seq = 0;
function ev(role: MultipartEvent['role'], ts: number, over: Partial<MultipartEvent> = {}): MultipartEvent {
  seq += 1;
  const operation = { init: 'REST.POST.UPLOADS', part: 'REST.PUT.PART', complete: 'REST.POST.UPLOAD', abort: 'REST.DELETE.UPLOAD' }[role];
  return {
    bucket: 'acme-backup-vault',
    key: KEY,
    ts,
    requestId: `REQ${String(seq).padStart(13, '0')}`,
    operation,
    role,
    httpStatus: role === 'abort' ? 204 : 200,
    errorCode: null,
    uploadId: role === 'init' ? null : 'UPLOAD-A',
    partNumber: null,
    ...over,
  };
}

/** A start and `parts` parts, ten seconds apart; `failed` part numbers fail with SlowDown first. */
function upload(parts: number, failed: number[] = [], opts: { start?: number; uploadId?: string; retry?: boolean; complete?: number | 'failed' } = {}) {
  const start = opts.start ?? T0;
  const uploadId = opts.uploadId ?? 'UPLOAD-A';
  const out = [ev('init', start)];
  for (let n = 1; n <= parts; n++) {
    const ts = start + n * 10_000;
    if (failed.includes(n)) {
      out.push(ev('part', ts, { partNumber: n, uploadId, httpStatus: 503, errorCode: 'SlowDown' }));
      if (!opts.retry) continue;
    }
    out.push(ev('part', ts + 1000, { partNumber: n, uploadId }));
  }
  if (opts.complete === 'failed') out.push(ev('complete', start + (parts + 1) * 10_000, { uploadId, httpStatus: 400, errorCode: 'EntityTooSmall' }));
  else if (opts.complete !== undefined) out.push(ev('complete', opts.complete, { uploadId }));
  return out;
}

const only = (uploads: readonly Upload[]) => {
  expect(uploads).toHaveLength(1);
  return uploads[0]!;
};

describe('evaluateUploads', () => {
  it('an upload with 3 of 120 parts failed and no completion: pending, then never completed once the grace period is over', () => {
    const events = upload(120, [37, 38, 88]);
    const pending = only(evaluateUploads(events, T0 + GRACE - 1, GRACE).uploads);
    expect(pending).toMatchObject({ fate: 'pending', partsSent: 120, partsFailed: 3, partsRetried: 0, errorCodes: ['SlowDown'], uploadId: 'UPLOAD-A' });
    const late = only(evaluateUploads(events, T0 + GRACE, GRACE).uploads);
    expect(late.fate).toBe('incomplete');
    expect(late.failed.map((e) => e.partNumber)).toEqual([37, 38, 88]);
    expect(uploadSentence(late, GRACE)).toBe('backup-2026-11-25.tar: 3 of 120 parts failed (SlowDown), upload never completed');
  });

  it('an upload that lost no part and never completed is a failure all the same', () => {
    const u = only(evaluateUploads(upload(12), T0 + GRACE, GRACE).uploads);
    expect(u.fate).toBe('incomplete');
    expect(uploadSentence(u, GRACE)).toBe('backup-2026-11-25.tar: 12 parts sent, none failed, upload never completed');
  });

  it('a completed upload is judged completed at once, retried parts counted', () => {
    const u = only(evaluateUploads(upload(10, [4], { retry: true, complete: T0 + 200_000 }), T0 + 300_000, GRACE).uploads);
    expect(u).toMatchObject({ fate: 'completed', partsSent: 10, partsFailed: 1, partsRetried: 1, completedMs: T0 + 200_000 });
    expect(uploadSentence(u, GRACE)).toBe('backup-2026-11-25.tar: 1 of 10 parts failed (SlowDown), 1 stored on retry, upload completed');
  });

  it('a completion after the grace period is a late completion', () => {
    const u = only(evaluateUploads(upload(2, [], { complete: T0 + GRACE + 60_000 }), T0 + 2 * GRACE, GRACE).uploads);
    expect(u.fate).toBe('completed-late');
    expect(uploadSentence(u, GRACE)).toBe('backup-2026-11-25.tar: 2 parts sent, none failed, upload completed only 6 h after it started (grace 6 h)');
  });

  it('a failed completion that is never retried, and an aborted upload', () => {
    const failedCompletion = only(evaluateUploads(upload(3, [], { complete: 'failed' }), T0 + GRACE, GRACE).uploads);
    expect(uploadSentence(failedCompletion, GRACE)).toBe('backup-2026-11-25.tar: 3 parts sent, none failed, completion failed (EntityTooSmall), upload never completed');
    const aborted = only(evaluateUploads([...upload(3), ev('abort', T0 + 60_000)], T0 + 70_000, GRACE).uploads);
    expect(aborted.fate).toBe('aborted');
  });

  it('ties each upload id to the latest earlier start, so a start the client gave up on stays unfinished', () => {
    const abandoned = ev('init', T0);
    const second = upload(3, [], { start: T0 + 60_000, uploadId: 'UPLOAD-B', complete: T0 + 120_000 });
    const { uploads } = evaluateUploads([abandoned, ...second], T0 + GRACE, GRACE);
    expect(uploads.map((u) => [u.init?.requestId, u.uploadId, u.fate])).toEqual([
      [abandoned.requestId, null, 'incomplete'],
      [second[0]!.requestId, 'UPLOAD-B', 'completed'],
    ]);
    expect(uploadSentence(uploads[0]!, GRACE)).toBe('backup-2026-11-25.tar: no part sent, upload never completed');
  });

  it('tells apart two uploads of the same object running side by side', () => {
    const a = upload(2, [], { start: T0, uploadId: 'UPLOAD-A', complete: T0 + 50_000 });
    const b = upload(2, [2], { start: T0 + 5_000, uploadId: 'UPLOAD-B' });
    const { uploads } = evaluateUploads([...a, ...b], T0 + GRACE + 5_000, GRACE);
    // Which of two starts seconds apart goes with which upload id the log cannot tell; each gets one.
    expect(new Set(uploads.map((u) => u.init?.requestId))).toEqual(new Set([a[0]!.requestId, b[0]!.requestId]));
    const byId = [...uploads].sort((x, y) => String(x.uploadId).localeCompare(String(y.uploadId)));
    expect(byId.map((u) => [u.uploadId, u.fate, u.partsFailed])).toEqual([
      ['UPLOAD-A', 'completed', 0],
      ['UPLOAD-B', 'incomplete', 1],
    ]);
  });

  it('parts whose start is not in the logs are untracked: their failures count, the grace period cannot', () => {
    const parts = upload(3, [2]).slice(1);
    const u = only(evaluateUploads(parts, T0 + 10 * GRACE, GRACE).uploads);
    expect(u).toMatchObject({ fate: 'untracked', init: null, deadlineMs: null });
    expect(uploadSentence(u, GRACE)).toBe('backup-2026-11-25.tar: 1 of 3 parts failed (SlowDown), completion not in the logs');
  });

  it('a failed start belongs to no upload', () => {
    const failedStart = ev('init', T0, { httpStatus: 503, errorCode: 'SlowDown' });
    const { uploads, strays } = evaluateUploads([failedStart], T0 + GRACE, GRACE);
    expect(uploads).toEqual([]);
    expect(strays).toEqual([failedStart]);
  });

  it('does not depend on the order events arrive in', () => {
    const events = upload(20, [3, 9], { complete: T0 + 500_000 });
    const shuffled = [...events].reverse();
    expect(evaluateUploads(shuffled, T0 + GRACE, GRACE)).toEqual(evaluateUploads(events, T0 + GRACE, GRACE));
  });
});

describe('itemsForKey', () => {
  it('one item per failed part and one for the upload, each starting with the upload sentence', () => {
    const evaluation = evaluateUploads(upload(120, [37, 38, 88]), T0 + GRACE, GRACE);
    const items = itemsForKey(evaluation, RULES);
    const u = evaluation.uploads[0]!;
    expect(items.map((i) => i.pk)).toEqual([
      ...u.failed.map((e) => `s3://acme-backup-vault/${KEY}#${e.requestId}`),
      `s3://acme-backup-vault/${KEY}#${u.init!.requestId}#upload`,
    ]);
    for (const item of items) {
      expect(executionLogItem(item)).toMatchObject({ status: 'FAILED', process: `s3://acme-backup-vault/${KEY}`, source: S3_ACCESS_LOG_SOURCE, s3_bucket: 'acme-backup-vault', s3_key: KEY, upload_id: 'UPLOAD-A' });
      expect(item.message.startsWith('backup-2026-11-25.tar: 3 of 120 parts failed (SlowDown), upload never completed. ')).toBe(true);
    }
    expect(items[0]!.message).toMatch(/This request: REST\.PUT\.PART 503 SlowDown, part 37, upload id UPLOAD-A, request REQ\d+\.$/);
    expect(executionLogItem(items[0]!)).toMatchObject({ operation: 'REST.PUT.PART', http_status: 503, error_code: 'SlowDown', event_ts: u.failed[0]!.ts });
    // Dated at its start, so the day the upload began reports it.
    expect(executionLogItem(items[3]!)).toMatchObject({ event_ts: T0, operation: 'REST.POST.UPLOADS' });
    expect(items[3]!.message).toMatch(/Upload started 2026-11-25T01:45:00Z \(request REQ\d+\), no successful REST\.POST\.UPLOAD within 6 h, upload id UPLOAD-A\.$/);
  });

  it('writes more evidence once the upload is decided, so a late verdict replaces an early one', () => {
    const events = upload(5, [2]);
    const early = itemsForKey(evaluateUploads(events, T0 + 1, GRACE), RULES);
    const decided = itemsForKey(evaluateUploads(events, T0 + GRACE, GRACE), RULES);
    expect(early).toHaveLength(1);
    expect(early[0]!.message).toMatch(/upload not completed yet/);
    expect(decided[0]!.pk).toBe(early[0]!.pk);
    expect(decided[0]!.eventTs).toBe(early[0]!.eventTs);
    expect(decided[0]!.evidence).toBeGreaterThan(early[0]!.evidence!);
  });

  it('leaves out failures of operations not in scope, and a completed upload without failures', () => {
    const events = upload(5, [2], { retry: true, complete: T0 + 100_000 });
    expect(itemsForKey(evaluateUploads(events, T0 + GRACE, GRACE), { ...RULES, operations: ['REST.POST.UPLOADS'] })).toEqual([]);
    expect(itemsForKey(evaluateUploads(upload(5, [], { complete: T0 + 100_000 }), T0 + GRACE, GRACE), RULES)).toEqual([]);
  });

  it('offers a correction for every completed upload, keyed like the item that would have reported it', () => {
    const events = upload(3, [], { complete: T0 + 60_000 });
    const done = evaluateUploads(events, T0 + GRACE, GRACE);
    const [correction] = correctionsForKey(done, RULES);
    expect(correction).toMatchObject({ pk: uploadPk(done.uploads[0]!), eventTs: T0 });
    expect(correction!.message).toMatch(/upload completed\. .*arrived only after the upload had been reported as never completed\.$/);
    const reported = itemsForKey(evaluateUploads(events.slice(0, -1), T0 + GRACE, GRACE), RULES).at(-1)!;
    expect(reported.pk).toBe(correction!.pk);
    expect(correction!.evidence).toBeGreaterThan(reported.evidence!);
    expect(correctionsForKey(evaluateUploads(upload(3).slice(1), T0 + GRACE, GRACE), RULES)).toEqual([]);
  });

  it('names keys by the object and keeps partition keys within DynamoDB limits', () => {
    expect(objectName('b-1', 'a+b%2Bc')).toBe('s3://b-1/a b+c');
    expect(objectName('b-1', null)).toBe('s3://b-1');
    expect(requestPk('b-1', 'k', 'R1')).toBe('s3://b-1/k#R1');
    const long = 'x%25'.repeat(1000);
    expect(Buffer.byteLength(requestPk('b-1', long, 'R1'))).toBeLessThanOrEqual(1024);
    expect(requestPk('b-1', long, 'R1')).not.toBe(requestPk('b-1', long, 'R2'));
    expect(Buffer.byteLength(uploadEventsKey('b-1', long))).toBeLessThanOrEqual(1024);
    const u = evaluateUploads([ev('part', T0, { key: long, httpStatus: 503, errorCode: 'SlowDown' })], T0, GRACE).uploads[0]!;
    expect(Buffer.byteLength(uploadPk(u))).toBeLessThanOrEqual(1024);
  });
});

describe('a generated log day', () => {
  it('has a gzipped log object, reads without a malformed line, and holds one unfinished and one completed upload', async () => {
    const day = generateBackupDay({ date: '2026-11-25', tz: 'Europe/Paris' });
    expect(day.objects.filter((o) => o.gzipped)).toHaveLength(1);
    const events: MultipartEvent[] = [];
    const failures: string[] = [];
    for (const o of day.objects) {
      for await (const { result } of parseLogStream(Readable.from([o.body]))) {
        if (!result.ok) throw new Error(result.reason);
        const c = classifyRecord(RULES, result.record);
        if (c.kind === 'upload-step') events.push(c.event);
        if (c.kind === 'failure') failures.push(requestItem({ ...result.record, request_id: result.record.request_id! }).pk);
      }
    }
    // The HEAD 404s of the day are reads: out of scope by default.
    expect(failures).toEqual([]);
    const byKey = new Map<string, MultipartEvent[]>();
    for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
    expect([...byKey.keys()].sort()).toEqual([day.completedKey, day.failedKey].sort());
    const failed = evaluateUploads(byKey.get(day.failedKey)!, Date.parse('2026-11-26T07:00:00Z'), GRACE).uploads;
    expect(failed.map((u) => uploadSentence(u, GRACE))).toEqual([`${day.failedKey}: 3 of 120 parts failed (SlowDown), upload never completed`]);
    const completed = evaluateUploads(byKey.get(day.completedKey)!, Date.parse('2026-11-26T07:00:00Z'), GRACE).uploads;
    expect(completed.map((u) => u.fate)).toEqual(['completed']);
    // The failed upload runs past the hour: its requests are in two log objects.
    const objectsOfFailed = day.objects.filter((o) => (o.gzipped ? true : o.body.toString().includes(day.failedKey)));
    expect(objectsOfFailed.length).toBeGreaterThanOrEqual(2);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/settings/errors.ts';
import { loadS3LogConfig } from '../../shared/settings/components.ts';
import { multipartEventOf, queryParam } from '../../shared/s3logs/multipart.ts';
import { parseAccessLogLine } from '../../shared/s3logs/parse-line.ts';
import type { AccessLogRecord } from '../../shared/s3logs/record.ts';
import { classifyRecord, decodeKey, isWriteOperation, operationInScope, tracksUploads, type S3LogRules } from '../../shared/s3logs/rules.ts';
import { formatAccessLogLine, type GeneratedRequest } from '../../infra/local/demo-s3-logs.ts';

const RULES: S3LogRules = { buckets: [], prefixes: [], operations: ['writes'], graceMs: 6 * 3_600_000 };

function rec(over: Partial<GeneratedRequest> = {}): AccessLogRecord {
  const r = parseAccessLogLine(
    formatAccessLogLine({
      bucket: 'acme-backup-vault',
      ts: Date.parse('2026-11-25T01:45:00Z'),
      operation: 'REST.PUT.OBJECT',
      key: 'recordings/a+b%2Bc.tar',
      requestUri: 'PUT /recordings/a+b%2Bc.tar HTTP/1.1',
      status: 403,
      errorCode: 'AccessDenied',
      totalMs: 5,
      ...over,
    }),
  );
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

describe('operations', () => {
  it('counts every write as a write, multipart steps included, and no read', () => {
    for (const op of [
      'REST.PUT.OBJECT', 'REST.POST.UPLOADS', 'REST.PUT.PART', 'REST.POST.UPLOAD', 'REST.DELETE.UPLOAD', 'REST.DELETE.OBJECT',
      'REST.COPY.OBJECT', 'REST.PUT.ACL', 'SOAP.PUT.OBJECT', 'BATCH.DELETE.OBJECT', 'REST.POST.MULTI_OBJECT_DELETE',
    ]) {
      expect(isWriteOperation(op), op).toBe(true);
    }
    for (const op of ['REST.GET.OBJECT', 'REST.HEAD.OBJECT', 'REST.GET.UPLOADS', 'REST.COPY.OBJECT_GET', 'WEBSITE.GET.OBJECT', 'S3.EXPIRE.OBJECT', 'S3.RESTORE.OBJECT']) {
      expect(isWriteOperation(op), op).toBe(false);
    }
  });

  it('matches names, trailing wildcards and the writes set', () => {
    const rules = (operations: string[]) => ({ ...RULES, operations });
    expect(operationInScope(rules(['REST.PUT.*']), 'REST.PUT.PART')).toBe(true);
    expect(operationInScope(rules(['REST.PUT.*']), 'REST.POST.UPLOAD')).toBe(false);
    expect(operationInScope(rules(['writes', 'REST.GET.OBJECT']), 'REST.GET.OBJECT')).toBe(true);
    expect(operationInScope(rules(['*']), 'WEBSITE.GET.OBJECT')).toBe(true);
    expect(operationInScope(rules([]), 'REST.PUT.OBJECT')).toBe(true);
    expect(operationInScope(RULES, null)).toBe(false);
  });

  it('follows uploads only when starting one is in scope', () => {
    expect(tracksUploads(RULES)).toBe(true);
    expect(tracksUploads({ ...RULES, operations: ['REST.PUT.PART'] })).toBe(false);
  });
});

describe('classifyRecord', () => {
  it('reports a failed write, ignores a failed read and a successful write', () => {
    expect(classifyRecord(RULES, rec())).toEqual({ kind: 'failure' });
    expect(classifyRecord(RULES, rec({ operation: 'REST.GET.OBJECT', requestUri: 'GET /x HTTP/1.1', status: 404, errorCode: 'NoSuchKey' }))).toEqual({ kind: 'ignore' });
    expect(classifyRecord(RULES, rec({ status: 200, errorCode: undefined }))).toEqual({ kind: 'ignore' });
  });

  it('keeps every multipart step, successful or not, and marks failed ones for reporting', () => {
    const part = rec({ operation: 'REST.PUT.PART', requestUri: 'PUT /recordings/a+b%2Bc.tar?partNumber=7&uploadId=abc%2Bdef HTTP/1.1', status: 503, errorCode: 'SlowDown' });
    const c = classifyRecord(RULES, part);
    expect(c).toMatchObject({ kind: 'upload-step', report: true, event: { role: 'part', partNumber: 7, uploadId: 'abc+def', httpStatus: 503, errorCode: 'SlowDown' } });
    const ok = classifyRecord(RULES, rec({ operation: 'REST.POST.UPLOAD', requestUri: 'POST /recordings/a+b%2Bc.tar?uploadId=abc HTTP/1.1', status: 200, errorCode: undefined }));
    expect(ok).toMatchObject({ kind: 'upload-step', report: false, event: { role: 'complete', uploadId: 'abc' } });
    const start = classifyRecord(RULES, rec({ operation: 'REST.POST.UPLOADS', requestUri: 'POST /recordings/a+b%2Bc.tar?uploads HTTP/1.1', status: 200, errorCode: undefined }));
    expect(start).toMatchObject({ kind: 'upload-step', event: { role: 'init', uploadId: null, partNumber: null } });
  });

  it('follows an abort even when aborts are not reported, so an upload is not judged on half its story', () => {
    const rules = { ...RULES, operations: ['REST.POST.UPLOADS', 'REST.PUT.PART'] };
    const abort = rec({ operation: 'REST.DELETE.UPLOAD', requestUri: 'DELETE /k?uploadId=abc HTTP/1.1', status: 204, errorCode: undefined });
    expect(classifyRecord(rules, abort)).toMatchObject({ kind: 'upload-step', report: false });
  });

  it('filters by source bucket and by key prefix, on the object name or the logged key', () => {
    expect(classifyRecord({ ...RULES, buckets: ['other-bucket'] }, rec())).toEqual({ kind: 'ignore' });
    expect(classifyRecord({ ...RULES, buckets: ['acme-backup-vault'] }, rec())).toEqual({ kind: 'failure' });
    expect(classifyRecord({ ...RULES, prefixes: ['recordings/a b+c'] }, rec())).toEqual({ kind: 'failure' });
    expect(classifyRecord({ ...RULES, prefixes: ['recordings/a+b%2B'] }, rec())).toEqual({ kind: 'failure' });
    expect(classifyRecord({ ...RULES, prefixes: ['exports/'] }, rec())).toEqual({ kind: 'ignore' });
    expect(classifyRecord({ ...RULES, prefixes: ['exports/'] }, rec({ key: null }))).toEqual({ kind: 'ignore' });
  });
});

describe('keys and request URIs', () => {
  it('decodes a logged key once, with + as a space', () => {
    expect(decodeKey('Screen+Shot+2019-09-09+at+9.08.44+AM.png')).toBe('Screen Shot 2019-09-09 at 9.08.44 AM.png');
    expect(decodeKey('run%253DDrop.fastq')).toBe('run%3DDrop.fastq');
    expect(decodeKey('bad%E0%A4%A')).toBe('bad%E0%A4%A');
  });

  it('reads upload id and part number from the Request-URI', () => {
    const uri = 'PUT /SRR9612637/DRGHT.fq.1?partNumber=1&uploadId=rl6yL37lb4xU.42.lMAw-- HTTP/1.1';
    expect(queryParam(uri, 'uploadId')).toBe('rl6yL37lb4xU.42.lMAw--');
    expect(queryParam(uri, 'partNumber')).toBe('1');
    expect(queryParam('POST /k?uploads HTTP/1.1', 'uploadId')).toBeNull();
    expect(queryParam(null, 'uploadId')).toBeNull();
    const noUri = rec({ operation: 'REST.PUT.PART' });
    expect(multipartEventOf({ ...noUri, request_uri: null })).toMatchObject({ uploadId: null, partNumber: null });
  });
});

describe('loadS3LogConfig', () => {
  it('has defaults for everything', () => {
    expect(loadS3LogConfig({})).toEqual({
      executionTable: 'execution-logs',
      summaryTable: 'failure-digest-summary',
      retentionDays: 90,
      rules: { buckets: [], prefixes: [], operations: ['writes'], graceMs: 6 * 3_600_000 },
    });
  });

  it('reads every variable', () => {
    expect(
      loadS3LogConfig({
        DDB_TABLE: 'logs',
        SUMMARY_TABLE: 'sums',
        SUMMARY_RETENTION_DAYS: '30',
        S3LOG_BUCKETS: 'vendor-backups, acme-backup-vault',
        S3LOG_PREFIXES: 'recordings/,exports/',
        S3LOG_OPERATIONS: 'REST.PUT.*,REST.POST.UPLOADS,REST.POST.UPLOAD',
        S3LOG_GRACE_HOURS: '2.5',
      }),
    ).toEqual({
      executionTable: 'logs',
      summaryTable: 'sums',
      retentionDays: 30,
      rules: {
        buckets: ['vendor-backups', 'acme-backup-vault'],
        prefixes: ['recordings/', 'exports/'],
        operations: ['REST.PUT.*', 'REST.POST.UPLOADS', 'REST.POST.UPLOAD'],
        graceMs: 2.5 * 3_600_000,
      },
    });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadS3LogConfig({ DDB_TABLE: 'x', S3LOG_BUCKETS: 'Bad_Bucket', S3LOG_OPERATIONS: 'put object', S3LOG_GRACE_HOURS: '0', SUMMARY_RETENTION_DAYS: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect((error as ConfigError).problems).toHaveLength(5);
    expect(problems).toMatch(/DDB_TABLE="x" is not a DynamoDB table name/);
    expect(problems).toMatch(/S3LOG_BUCKETS="Bad_Bucket" is not an S3 bucket name/);
    expect(problems).toMatch(/S3LOG_OPERATIONS="put object" is not an operation name/);
    expect(problems).toMatch(/S3LOG_GRACE_HOURS="0" must be a number of hours/);
    expect(problems).toMatch(/SUMMARY_RETENTION_DAYS="-1"/);
  });
});

import { describe, expect, it } from 'vitest';
import { executionLogItem } from '../../shared/s3logs/log-item.ts';

// Written out attribute by attribute: the execution-log items other readers
// (the stream consumer, the GSI, people with the AWS CLI) already know.
describe('executionLogItem', () => {
  it('writes a failed upload step with every attribute it knows', () => {
    const item = executionLogItem({
      pk: 's3://acme-backup-vault/backup.tar#REQ1',
      eventTs: 1_795_594_530_123,
      message: 'backup.tar: 1 of 3 parts failed (SlowDown)',
      process: 's3://acme-backup-vault/backup.tar',
      bucket: 'acme-backup-vault',
      key: 'backup.tar',
      requestId: 'REQ1',
      operation: 'REST.PUT.PART',
      httpStatus: 503,
      errorCode: 'SlowDown',
      uploadId: 'UPLOAD-A',
      evidence: 7,
    });
    expect(item).toEqual({
      pk: 's3://acme-backup-vault/backup.tar#REQ1',
      status: 'FAILED',
      event_ts: 1_795_594_530_123,
      message: 'backup.tar: 1 of 3 parts failed (SlowDown)',
      process: 's3://acme-backup-vault/backup.tar',
      source: 's3-access-log',
      s3_bucket: 'acme-backup-vault',
      s3_key: 'backup.tar',
      request_id: 'REQ1',
      operation: 'REST.PUT.PART',
      http_status: 503,
      error_code: 'SlowDown',
      upload_id: 'UPLOAD-A',
      evidence: 7,
    });
  });

  it('leaves out what it does not know, rather than writing it empty', () => {
    expect(executionLogItem({ pk: 's3://b#R', eventTs: 1, message: 'm', process: 's3://b', bucket: 'b' })).toEqual({
      pk: 's3://b#R',
      status: 'FAILED',
      event_ts: 1,
      message: 'm',
      process: 's3://b',
      source: 's3-access-log',
      s3_bucket: 'b',
    });
  });
});

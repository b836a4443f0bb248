import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import type { MultipartEvent } from '../../shared/s3logs/multipart.ts';
import { UploadStateStore } from '../../shared/s3logs/state-store.ts';
import { allDayKeys, DAY_SHARDS, shardOf } from '../../shared/summary/model/day-entry.ts';
import { expiresAt, keyOf, summaryTableInput } from '../../shared/summary/model/table.ts';
import { uploadEventItem } from '../../shared/summary/model/upload-events.ts';
import { decidedFields, uploadStartItem } from '../../shared/summary/model/upload-starts.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { ensureTable } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { SendLedger } from '../../shared/ledger/send-ledger.ts';
import { failureEntry } from '../support/failure-entry.ts';

const TZ = 'Europe/Paris';
const DAY = '2026-11-25';
const TS = Date.parse('2026-11-25T08:15:30.123Z');
const RETENTION_DAYS = 90;
const EXPIRES = 1_803_370_530;

const failure = (pk: string, ts = TS): FailureEntry => failureEntry({ pk, process: pk.split('#')[0]!, event_ts: ts, message: `boom ${pk}`, source: 'execution-log' });

const partEvent: MultipartEvent = {
  bucket: 'acme-backup-vault',
  key: 'recordings/backup.tar',
  ts: TS + 1_000,
  requestId: 'REQ0000000000002',
  operation: 'REST.PUT.PART',
  role: 'part',
  httpStatus: 503,
  errorCode: 'SlowDown',
  uploadId: 'UPLOAD-A',
  partNumber: 1,
};
const initEvent: MultipartEvent = { ...partEvent, ts: TS, requestId: 'REQ0000000000001', operation: 'REST.POST.UPLOADS', role: 'init', httpStatus: 200, errorCode: null, uploadId: null, partNumber: null };

describe('the summary table on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let store: SummaryStore;
  let ledger: SendLedger;
  let uploads: UploadStateStore;

  const raw = async (pk: string, sk: string) =>
    (await clients.doc.send(new GetCommand({ TableName: config.summaryTable, Key: { pk, sk }, ConsistentRead: true }))).Item;
  const putRaw = (Item: Record<string, unknown>) => clients.doc.send(new PutCommand({ TableName: config.summaryTable, Item }));
  /** Every stored item of one report day, across its shard partitions. */
  const dayItems = async (tz: string, day: string) => {
    const query = (pk: string) =>
      clients.doc.send(new QueryCommand({ TableName: config.summaryTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    return (await Promise.all(allDayKeys(tz, day).map(query))).flatMap((out) => out.Items ?? []);
  };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig();
    await ensureTable(clients.dynamodb, summaryTableInput(config.summaryTable));
    store = new SummaryStore(clients.doc, config.summaryTable, RETENTION_DAYS);
    ledger = new SendLedger(clients.doc, config.summaryTable);
    uploads = new UploadStateStore(clients.doc, config.summaryTable, RETENTION_DAYS);
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('reads back an entry on every shard a write can land on', async () => {
    const byShard = new Map<number, FailureEntry>();
    for (let i = 0; byShard.size < DAY_SHARDS; i++) {
      const e = failure(`shard-probe#run-${i}`);
      byShard.set(shardOf(e.pk, e.event_ts), e);
    }
    const entries = [...byShard.values()];
    await store.putEntries(entries.map((entry) => ({ entry, day: DAY })), TZ, TS);

    const partitions = new Set((await dayItems(TZ, DAY)).map((i) => i['pk']));
    expect(partitions.size).toBe(DAY_SHARDS);
    const read = await store.readDay(TZ, DAY);
    expect(read.map((e) => e.pk).sort()).toEqual(entries.map((e) => e.pk).sort());
  });

  it('writes each kind in the layout existing data has', async () => {
    const entry = failure('nightly-export#run-42');
    await store.putEntry(entry, TZ, DAY, { capturedMs: TS });
    expect(await raw('DAY#Europe/Paris#2026-11-25#02', '001795594530123#nightly-export#run-42')).toEqual({
      pk: 'DAY#Europe/Paris#2026-11-25#02',
      sk: '001795594530123#nightly-export#run-42',
      ts: TS,
      msg: 'boom nightly-export#run-42',
      sig: '568fb64792c962dc',
      expires_at: EXPIRES,
    });

    await store.putUnreadable(TZ, { id: 'seq-1', reason: 'pk is missing', raw: '{}', receivedMs: TS, day: DAY }, TS);
    expect(await raw('UNREADABLE#Europe/Paris#2026-11-25', 'seq-1')).toEqual({
      pk: 'UNREADABLE#Europe/Paris#2026-11-25',
      sk: 'seq-1',
      reason: 'pk is missing',
      raw: '{}',
      received_ms: TS,
      expires_at: EXPIRES,
    });

    expect(await store.markRebuilt(TZ, DAY, TS, undefined)).toBe(true);
    await store.markIncomplete(TZ, DAY, 'RetryAttemptsExhausted', TS + 7);
    expect(await raw('DAYSTATE#Europe/Paris#2026-11-25', 'STATE')).toEqual({
      pk: 'DAYSTATE#Europe/Paris#2026-11-25',
      sk: 'STATE',
      incomplete: true,
      reason: 'RetryAttemptsExhausted',
      rebuilt_ms: TS,
      incomplete_ms: TS + 7,
    });

    const claim = await ledger.claim(TZ, DAY, TS, TS + 60_000, false);
    if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
    expect(await raw('SENT#Europe/Paris#2026-11-25', 'SENT')).toEqual({
      pk: 'SENT#Europe/Paris#2026-11-25',
      sk: 'SENT',
      state: 'claimed',
      claim_token: claim.token,
      lease_until_ms: TS + 60_000,
      changed_ms: TS,
    });
    await ledger.markSending(TZ, DAY, claim.token, TS + 1);
    await ledger.confirm(TZ, DAY, claim.token, { messageId: 'msg-1', sentMs: TS + 5_000, count: 3, source: 'summary' });
    expect(await raw('SENT#Europe/Paris#2026-11-25', 'SENT')).toEqual({
      pk: 'SENT#Europe/Paris#2026-11-25',
      sk: 'SENT',
      state: 'sent',
      claim_token: claim.token,
      message_id: 'msg-1',
      sent_ms: TS + 5_000,
      failure_count: 3,
      report_source: 'summary',
      changed_ms: TS + 5_000,
    });

    await uploads.putEvents([initEvent, partEvent]);
    await uploads.putStarts([initEvent]);
    await uploads.markDecided(initEvent, 'incomplete');
    // The model's unit tests pin the layout of a put item; here, that the store writes exactly that.
    for (const e of [initEvent, partEvent]) {
      const expected = uploadEventItem(e, expiresAt(e.ts, RETENTION_DAYS));
      const { pk, sk } = keyOf(expected);
      expect(await raw(pk, sk)).toEqual(expected);
    }
    expect(await raw('S3MPU-START#2026-11-25', '2026-11-25T08:15:30.123Z#REQ0000000000001')).toEqual({
      ...uploadStartItem(initEvent, EXPIRES),
      ...decidedFields('incomplete'),
    });
  });

  it('counts retention from capture, so a failure older than the retention period is not written already expired', async () => {
    const old = TS - 200 * 86_400_000;
    const day = '2026-05-09';
    const captured = TS + 86_400_000;
    const expires = expiresAt(captured, RETENTION_DAYS);
    await store.putEntry(failure('late-writer#run-1', old), TZ, day, { capturedMs: captured });
    await store.putEntries([{ entry: failure('late-writer#run-2', old), day }], TZ, captured);
    await store.putUnreadable(TZ, { id: 'seq-old', reason: 'message has type N', raw: '{}', receivedMs: old, day }, captured);
    expect((await dayItems(TZ, day)).map((i) => [String(i['sk']).replace(/^\d+#/, ''), i['expires_at']]).sort()).toEqual([
      ['late-writer#run-1', expires],
      ['late-writer#run-2', expires],
    ]);
    expect((await raw(`UNREADABLE#${TZ}#${day}`, 'seq-old'))?.['expires_at']).toBe(expires);
    expect(expires * 1000).toBeGreaterThan(captured);
  });

  it('reads items written in that layout before this code existed', async () => {
    const tz = 'Asia/Kolkata';
    await putRaw({ pk: 'DAY#Asia/Kolkata#2026-11-25#05', sk: '001795594530123#legacy#1', spk: 'legacy#1', proc: 'legacy', ts: TS, msg: 'old', src: 'execution-log', expires_at: EXPIRES });
    await putRaw({ pk: 'DAY#Asia/Kolkata#2026-11-25#06', sk: '001795594530124#bare#1', spk: 'bare#1', proc: 'bare', ts: TS + 1 });
    await putRaw({ pk: 'UNREADABLE#Asia/Kolkata#2026-11-25', sk: 'seq-9', reason: 'pk is missing', raw: '{}', received_ms: TS, expires_at: EXPIRES });
    await putRaw({ pk: 'COVERAGE#Asia/Kolkata', sk: 'COVERAGE', since_ms: TS });
    await putRaw({ pk: 'DAYSTATE#Asia/Kolkata#2026-11-25', sk: 'STATE', incomplete: false, rebuilt_ms: TS });
    await putRaw({ pk: 'SENT#Asia/Kolkata#2026-11-25', sk: 'SENT', state: 'sent', claim_token: 'old', message_id: 'm-old', sent_ms: TS, failure_count: 2, report_source: 'gsi' });
    await putRaw({
      pk: 'S3MPU#legacy-bucket#a.tar', sk: '2026-11-25T08:15:30.123Z#R1', bucket: 'legacy-bucket', key: 'a.tar', ts: TS, request_id: 'R1', operation: 'REST.POST.UPLOADS',
      role: 'init', http_status: 200, error_code: null, upload_id: null, part_number: null, expires_at: EXPIRES,
    });
    await putRaw({ pk: 'S3MPU-START#2026-11-25', sk: '2026-11-25T08:15:30.123Z#R1', bucket: 'legacy-bucket', key: 'a.tar', start_ms: TS, request_id: 'R1', expires_at: EXPIRES });

    expect(await store.readDay(tz, DAY)).toEqual([
      // Written before signatures were kept: each gets one from its stored head.
      { pk: 'legacy#1', process: 'legacy', event_ts: TS, message: 'old', source: 'execution-log', signature: 'cba06b5736faf67e', template: 'old' },
      // An entry without a source is of the execution log, which entries now leave unsaid.
      { pk: 'bare#1', process: 'bare', event_ts: TS + 1, message: '', source: 'execution-log', signature: '66987535f21d8a89', template: '<no message>' },
    ]);
    expect(await store.listUnreadable(tz, DAY)).toEqual([{ id: 'seq-9', reason: 'pk is missing', raw: '{}', receivedMs: TS, day: DAY }]);
    expect(await store.getCoverage(tz)).toBe(TS);
    expect(await store.getDayState(tz, DAY)).toEqual({ incomplete: false, rebuiltMs: TS });
    expect(await ledger.claim(tz, DAY, TS, TS + 60_000, false)).toEqual({ kind: 'already-sent', sentMs: TS, messageId: 'm-old' });
    expect(await uploads.readEvents('legacy-bucket', 'a.tar', TS)).toEqual([
      { bucket: 'legacy-bucket', key: 'a.tar', ts: TS, requestId: 'R1', operation: 'REST.POST.UPLOADS', role: 'init', httpStatus: 200, errorCode: null, uploadId: null, partNumber: null },
    ]);
    expect(await uploads.listOpenStarts(TS, TS)).toContainEqual({ bucket: 'legacy-bucket', key: 'a.tar', startMs: TS, requestId: 'R1' });
  });

  it('keeps the earliest coverage start', async () => {
    const tz = 'America/Sao_Paulo';
    expect(await store.getCoverage(tz)).toBeUndefined();
    await store.ensureCoverage(tz, TS);
    await store.ensureCoverage(tz, TS + 1);
    expect(await store.getCoverage(tz)).toBe(TS);
    await store.ensureCoverage(tz, TS - 1);
    expect(await store.getCoverage(tz)).toBe(TS - 1);
  });

  it('keeps the verdict on a start that is recorded again, and marks no start that is not stored', async () => {
    const init = { ...initEvent, bucket: 'verdict-bucket', requestId: 'REQ-V' };
    await uploads.putStarts([init]);
    await uploads.markDecided(init, 'completed');
    await uploads.putStarts([init]);
    expect((await raw('S3MPU-START#2026-11-25', '2026-11-25T08:15:30.123Z#REQ-V'))?.['decided']).toBe('completed');
    expect(await uploads.listOpenStarts(TS, TS)).not.toContainEqual(expect.objectContaining({ requestId: 'REQ-V' }));

    const never = { ...init, requestId: 'REQ-NEVER' };
    await uploads.markDecided(never, 'incomplete');
    expect(await raw('S3MPU-START#2026-11-25', '2026-11-25T08:15:30.123Z#REQ-NEVER')).toBeUndefined();
  });
});

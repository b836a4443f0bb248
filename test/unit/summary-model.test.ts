import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import type { MultipartEvent } from '../../shared/s3logs/multipart.ts';
import { coverageFromItem, coverageItem } from '../../shared/summary/model/coverage.ts';
import { dayEntryFromItem, dayEntryItem, sequenceOrder } from '../../shared/summary/model/day-entry.ts';
import { dayStateFromItem, dayStateKey, incompleteFields, rebuiltDayStateItem } from '../../shared/summary/model/day-state.ts';
import { SUMMARY_KINDS, type SummaryKind } from '../../shared/summary/model/kinds.ts';
import { claimItem, endedFields, sentFields, sentMarkerFromItem } from '../../shared/summary/model/sent-marker.ts';
import { expiresAt, keyItem, keyOf, SUMMARY_TABLE, summaryTableInput } from '../../shared/summary/model/table.ts';
import { MAX_RAW_CHARS, unreadableFromItem, unreadableItem, type UnreadableRecord } from '../../shared/summary/model/unreadable.ts';
import { uploadEventFromItem, uploadEventItem } from '../../shared/summary/model/upload-events.ts';
import { decidedFields, openStartFromItem, uploadStartItem } from '../../shared/summary/model/upload-starts.ts';
import { errorSignature } from '../../shared/signature/signature.ts';
import { SAMPLE_PARTITION_KEYS } from '../support/summary-keys.ts';

// The items below are written out attribute by attribute on purpose: they are
// the layout stored data already has, so renaming an attribute or changing a
// key format must fail here rather than strand existing items.

const TS = Date.parse('2026-11-25T08:15:30.123Z');
const TZ = 'Europe/Paris';
const DAY = '2026-11-25';
const EXPIRES = 1_803_370_530;

describe('the summary table', () => {
  it('is keyed by pk and sk, both strings, with TTL on expires_at', () => {
    expect(SUMMARY_TABLE).toMatchObject({ partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expires_at' });
    expect(summaryTableInput('sums')).toEqual({
      TableName: 'sums',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('expires an item the retention days after its event, in epoch seconds', () => {
    expect(expiresAt(TS, 90)).toBe(EXPIRES);
    expect(expiresAt(TS + 999, 90)).toBe(EXPIRES + 1);
    expect(expiresAt(TS, 0)).toBe(Math.floor(TS / 1000));
  });

  it('names key attributes as the table does', () => {
    expect(keyItem({ pk: 'P', sk: 'S' })).toEqual({ pk: 'P', sk: 'S' });
    expect(keyOf({ pk: 'P', sk: 'S', other: 1 })).toEqual({ pk: 'P', sk: 'S' });
  });
});

describe('day entries', () => {
  const entry: FailureEntry = {
    pk: 'nightly-export#run-42',
    process: 'nightly-export',
    event_ts: TS,
    message: 'disk full',
    source: 'execution-log',
    signature: '8c96d76f620269be',
    template: 'disk full',
  };
  // What the key or a default says is left out: the pk is in the sort key, the process is the pk's, the source the default.
  const stored = {
    pk: 'DAY#Europe/Paris#2026-11-25#02',
    sk: '001795594530123#nightly-export#run-42',
    ts: TS,
    msg: 'disk full',
    sig: '8c96d76f620269be',
    expires_at: EXPIRES,
  };
  // As entries were written before: every attribute, the template too.
  const older = { ...stored, spk: 'nightly-export#run-42', proc: 'nightly-export', src: 'execution-log', tpl: 'disk full' };

  it('writes the stored layout', () => {
    expect(dayEntryItem(entry, TZ, DAY, EXPIRES)).toEqual(stored);
  });

  it('keeps what the key and the defaults do not say', () => {
    const other = { ...entry, process: 'ledger', source: 's3-access-log' };
    expect(dayEntryItem(other, TZ, DAY, EXPIRES)).toEqual({ ...stored, proc: 'ledger', src: 's3-access-log' });
    expect(dayEntryFromItem(dayEntryItem(other, TZ, DAY, EXPIRES))).toEqual(other);
    const long = { ...entry, pk: `nightly-export#${'x'.repeat(1100)}` };
    const item = dayEntryItem(long, TZ, DAY, EXPIRES);
    expect(item['sk']).toMatch(/^001795594530123#sha256:[0-9a-f]{64}$/);
    expect(item['spk']).toBe(long.pk);
    expect(dayEntryFromItem(item)).toEqual(long);
  });

  it('keeps the line that names the error, not the frames', () => {
    const trace = `Error: connect ECONNREFUSED 10.0.4.12:5432\n    at Pool.query (/var/task/node_modules/pg/lib/client.js:545:17)`;
    expect(dayEntryItem({ ...entry, message: trace }, TZ, DAY, EXPIRES)['msg']).toBe('Error: connect ECONNREFUSED 10.0.4.12:5432');
    const cut = `Traceback (most recent call last):\n  File "/app/job.py", line 3, in <module>\n    run()…`;
    expect(dayEntryItem({ ...entry, message: cut, template: 'KeyError: <quoted>' }, TZ, DAY, EXPIRES)['msg']).toBe('KeyError: <quoted>');
    expect(String(dayEntryItem({ ...entry, message: 'y'.repeat(400) }, TZ, DAY, EXPIRES)['msg'])).toHaveLength(160);
  });

  it('takes the template from the day\'s groups, else as stored, else from the head', () => {
    const templates = new Map([['8c96d76f620269be', 'disk <adjective>']]);
    expect(dayEntryFromItem(stored, templates).template).toBe('disk <adjective>');
    expect(dayEntryFromItem({ ...stored, tpl: 'as stored' }).template).toBe('as stored');
    expect(dayEntryFromItem({ ...stored, msg: 'Timeout after 30 s' }).template).toBe(errorSignature('Timeout after 30 s').template);
  });

  it('reads entries written before in the older layout', () => {
    expect(dayEntryFromItem(older)).toEqual(entry);
  });

  it('reads it back', () => {
    expect(dayEntryFromItem(stored)).toEqual(entry);
    expect(dayEntryFromItem(dayEntryItem(entry, TZ, DAY, EXPIRES))).toEqual(entry);
  });

  it('files an entry under the report day it is given, not the UTC day of its time', () => {
    const late = { ...entry, event_ts: Date.parse('2026-11-25T23:30:00Z') };
    expect(dayEntryItem(late, TZ, '2026-11-26', EXPIRES)['pk']).toMatch(/^DAY#Europe\/Paris#2026-11-26#0\d$/);
  });

  it('reads a missing message as empty text', () => {
    const { msg: _msg, sig: _sig, ...bare } = stored;
    expect(dayEntryFromItem(bare)).toEqual({ ...entry, message: '', signature: '66987535f21d8a89', template: '<no message>' });
  });

  it('gives an entry written before signatures were kept the signature of its stored head', () => {
    const { sig: _sig, tpl: _tpl, ...old } = older;
    expect(dayEntryFromItem(old)).toEqual(entry);
    const trace = `Error: connect ECONNREFUSED 10.0.4.12:5432\n    at Pool.query (/var/task/node_modules/pg/lib/client.js:545:17)`;
    expect(dayEntryFromItem({ ...old, msg: trace })).toMatchObject({ signature: errorSignature(trace).signature, template: 'Error: connect ECONNREFUSED <ip>:<int>' });
  });

  it('keeps the stored signature over one of the head, which may have lost the line that names the error', () => {
    expect(dayEntryFromItem({ ...older, msg: 'Traceback (most recent call last):', sig: 'd18e956d7acfd855', tpl: 'botocore.exceptions.ClientError: …' })).toMatchObject({
      signature: 'd18e956d7acfd855',
      template: 'botocore.exceptions.ClientError: …',
    });
  });

  it('stores the spelling of a misspelt FAILED and the order of the stream record it came from', () => {
    const misspelt = { ...entry, writtenStatus: 'failed ' };
    const order = sequenceOrder('4421584500000000017450439091')!;
    expect(dayEntryItem(misspelt, TZ, DAY, EXPIRES, order)).toEqual({ ...stored, wst: 'failed ', seq: `000000000000${'4421584500000000017450439091'}` });
    expect(dayEntryFromItem(dayEntryItem(misspelt, TZ, DAY, EXPIRES, order))).toEqual(misspelt);
  });
});

describe('sequenceOrder', () => {
  it('pads a sequence number to 40 digits', () => {
    expect(sequenceOrder('111')).toBe(`${'0'.repeat(37)}111`);
    expect(sequenceOrder('9'.repeat(40))).toBe('9'.repeat(40));
  });

  it('orders as text the way the numbers order, whatever their lengths', () => {
    const numbers = ['999999999999999999999', '1000000000000000000000', '4421584500000000017450439091', '111', '9'.repeat(40), '4421584500000000017450439090'];
    const byText = [...numbers].sort((a, b) => (sequenceOrder(a)! < sequenceOrder(b)! ? -1 : 1));
    const byValue = [...numbers].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(byText).toEqual(byValue);
    // Unpadded, text order is not number order: what the padding is for.
    expect([...numbers].sort()).not.toEqual(byValue);
  });

  it('gives nothing for what is not a sequence number, so the write is unordered', () => {
    for (const bad of [undefined, '', '12a', '-5', '1'.repeat(41), ' 123']) expect(sequenceOrder(bad)).toBeUndefined();
  });
});

describe('unreadable records', () => {
  const record: UnreadableRecord = { id: '4900000000000000001', reason: 'event_ts is missing', raw: '{"pk":{"S":"x"}}', receivedMs: TS, day: DAY };
  const stored = {
    pk: 'UNREADABLE#Europe/Paris#2026-11-25',
    sk: '4900000000000000001',
    reason: 'event_ts is missing',
    raw: '{"pk":{"S":"x"}}',
    received_ms: TS,
    expires_at: EXPIRES,
  };

  it('writes the stored layout and reads it back', () => {
    expect(unreadableItem(TZ, record, EXPIRES)).toEqual(stored);
    // Filed before the pk was stored: it is read from the raw image.
    expect(unreadableFromItem(stored, DAY)).toEqual({ ...record, pk: 'x' });
  });

  it("stores the item's pk and the record's sequence number", () => {
    const keyed = { ...record, pk: 'ledger#run-9', sequence: '4900000000000000001' };
    const item = unreadableItem(TZ, keyed, EXPIRES);
    expect(item).toEqual({ ...stored, item_pk: 'ledger#run-9', seq: '4900000000000000001' });
    expect(unreadableFromItem(item, DAY)).toEqual(keyed);
  });

  it('reads no pk from a raw image that was cut or holds none', () => {
    for (const raw of ['{"pk":{"S":"x"', '{"eventID":"e-1"}', '{"pk":{"N":"1"}}', 'null']) {
      expect(unreadableFromItem({ ...stored, raw }, DAY)).not.toHaveProperty('pk');
    }
  });

  it('cuts a huge raw image, and marks the cut', () => {
    const item = unreadableItem(TZ, { ...record, raw: 'x'.repeat(MAX_RAW_CHARS + 10) }, EXPIRES);
    expect(item['raw']).toBe(`${'x'.repeat(MAX_RAW_CHARS)}…`);
    expect(unreadableItem(TZ, { ...record, raw: 'x'.repeat(MAX_RAW_CHARS) }, EXPIRES)['raw']).toBe('x'.repeat(MAX_RAW_CHARS));
  });
});

describe('coverage', () => {
  it('writes the stored layout and reads it back', () => {
    const stored = { pk: 'COVERAGE#Europe/Paris', sk: 'COVERAGE', since_ms: TS };
    expect(coverageItem(TZ, TS)).toEqual(stored);
    expect(coverageFromItem(stored)).toBe(TS);
  });
});

describe('day state', () => {
  it('writes a rebuilt day in the stored layout and reads it back', () => {
    const stored = { pk: 'DAYSTATE#Europe/Paris#2026-11-25', sk: 'STATE', incomplete: false, rebuilt_ms: TS };
    expect(rebuiltDayStateItem(TZ, DAY, TS)).toEqual(stored);
    expect(dayStateFromItem(stored)).toEqual({ incomplete: false, rebuiltMs: TS });
  });

  it('marks a day incomplete with its reason and when, keeping an earlier rebuild', () => {
    expect(incompleteFields('RetryAttemptsExhausted', TS + 5)).toEqual({ incomplete: true, reason: 'RetryAttemptsExhausted', incomplete_ms: TS + 5 });
    const stored = { ...keyItem(dayStateKey(TZ, DAY)), incomplete: true, reason: 'RetryAttemptsExhausted', rebuilt_ms: TS, incomplete_ms: TS + 5 };
    expect(dayStateFromItem(stored)).toEqual({ incomplete: true, reason: 'RetryAttemptsExhausted', rebuiltMs: TS, incompleteMs: TS + 5 });
    // Marked before marks kept their time.
    expect(dayStateFromItem({ ...keyItem(dayStateKey(TZ, DAY)), incomplete: true })).toEqual({ incomplete: true });
  });
});

describe('sent markers', () => {
  const claimed = { pk: 'SENT#Europe/Paris#2026-11-25', sk: 'SENT', state: 'claimed', claim_token: 'T-1', lease_until_ms: TS + 60_000, changed_ms: TS };
  const info = { messageId: 'msg-1', sentMs: TS + 5_000, count: 12, source: 'summary' };

  it('writes a claim in the stored layout and reads it back', () => {
    expect(claimItem(TZ, DAY, 'T-1', TS + 60_000, TS)).toEqual(claimed);
    expect(sentMarkerFromItem(claimed)).toEqual({ state: 'claimed', claimToken: 'T-1', leaseUntilMs: TS + 60_000 });
  });

  it('confirms a send with what was sent, and reads the confirmed marker back', () => {
    const fields = sentFields(info);
    expect(fields).toEqual({ state: 'sent', message_id: 'msg-1', sent_ms: TS + 5_000, failure_count: 12, report_source: 'summary', changed_ms: TS + 5_000 });
    // As confirm leaves it: the claim's token, the lease removed.
    const { lease_until_ms: _lease, ...rest } = claimed;
    expect(sentMarkerFromItem({ ...rest, ...fields })).toEqual({
      state: 'sent',
      claimToken: 'T-1',
      messageId: 'msg-1',
      sentMs: TS + 5_000,
      failureCount: 12,
      reportSource: 'summary',
    });
  });

  it('reads a failed or in-doubt day with its reason', () => {
    for (const state of ['failed', 'in-doubt'] as const) {
      expect(sentMarkerFromItem({ ...claimed, ...endedFields(state, 'why', TS + 9) })).toEqual({ state, claimToken: 'T-1', reason: 'why', changedMs: TS + 9 });
    }
  });

  it('reads a claim of the earlier layout (state "sending") or of no known state as one that may have sent', () => {
    expect(sentMarkerFromItem({ ...claimed, state: 'sending' })).toEqual({ state: 'sending', claimToken: 'T-1', leaseUntilMs: TS + 60_000 });
    const { lease_until_ms: _lease, ...noLease } = claimed;
    expect(sentMarkerFromItem({ ...noLease, state: 'odd' })).toEqual({ state: 'sending', claimToken: 'T-1', leaseUntilMs: 0 });
  });
});

describe('S3 multipart upload events', () => {
  const part: MultipartEvent = {
    bucket: 'acme-backup-vault',
    key: 'recordings/backup%202026.tar',
    ts: TS,
    requestId: 'REQ0000000000042',
    operation: 'REST.PUT.PART',
    role: 'part',
    httpStatus: 503,
    errorCode: 'SlowDown',
    uploadId: 'UPLOAD-A',
    partNumber: 37,
  };
  const stored = {
    pk: 'S3MPU#acme-backup-vault#recordings/backup%202026.tar',
    sk: '2026-11-25T08:15:30.123Z#REQ0000000000042',
    bucket: 'acme-backup-vault',
    key: 'recordings/backup%202026.tar',
    ts: TS,
    request_id: 'REQ0000000000042',
    operation: 'REST.PUT.PART',
    role: 'part',
    http_status: 503,
    error_code: 'SlowDown',
    upload_id: 'UPLOAD-A',
    part_number: 37,
    expires_at: EXPIRES,
  };

  it('writes the stored layout and reads it back', () => {
    expect(uploadEventItem(part, EXPIRES)).toEqual(stored);
    expect(uploadEventFromItem(stored)).toEqual(part);
  });

  it('stores what a request did not log as null, and reads null back', () => {
    const init: MultipartEvent = { ...part, operation: 'REST.POST.UPLOADS', role: 'init', httpStatus: 200, errorCode: null, uploadId: null, partNumber: null };
    const item = uploadEventItem(init, EXPIRES);
    expect(item).toMatchObject({ http_status: 200, error_code: null, upload_id: null, part_number: null });
    expect(Object.keys(item).sort()).toEqual(Object.keys(stored).sort());
    expect(uploadEventFromItem(item)).toEqual(init);
  });
});

describe('S3 multipart upload starts', () => {
  const init: MultipartEvent = {
    bucket: 'acme-backup-vault',
    key: 'recordings/backup.tar',
    ts: TS,
    requestId: 'REQ0000000000001',
    operation: 'REST.POST.UPLOADS',
    role: 'init',
    httpStatus: 200,
    errorCode: null,
    uploadId: null,
    partNumber: null,
  };
  const stored = {
    pk: 'S3MPU-START#2026-11-25',
    sk: '2026-11-25T08:15:30.123Z#REQ0000000000001',
    bucket: 'acme-backup-vault',
    key: 'recordings/backup.tar',
    start_ms: TS,
    request_id: 'REQ0000000000001',
    expires_at: EXPIRES,
  };

  it('writes the stored layout and reads it back as an open start', () => {
    expect(uploadStartItem(init, EXPIRES)).toEqual(stored);
    expect(openStartFromItem(stored)).toEqual({ bucket: 'acme-backup-vault', key: 'recordings/backup.tar', startMs: TS, requestId: 'REQ0000000000001' });
  });

  it('records a verdict as decided', () => {
    expect(decidedFields('incomplete')).toEqual({ decided: 'incomplete' });
  });
});

describe('the kinds of the summary table', () => {
  const kinds = Object.entries(SUMMARY_KINDS) as [SummaryKind, string][];

  it.each(kinds)('no other prefix begins with the prefix of %s, nor is begun by it', (kind, prefix) => {
    for (const [other, otherPrefix] of kinds) {
      if (other === kind) continue;
      expect(otherPrefix.startsWith(prefix), `${other} (${otherPrefix}) starts with ${kind} (${prefix})`).toBe(false);
    }
  });

  it.each(kinds)('the keys of %s carry its prefix and no other kind claims them', (kind, prefix) => {
    for (const key of SAMPLE_PARTITION_KEYS[kind]) {
      expect(key.startsWith(prefix)).toBe(true);
      expect(kinds.filter(([, p]) => key.startsWith(p)).map(([k]) => k)).toEqual([kind]);
    }
  });
});

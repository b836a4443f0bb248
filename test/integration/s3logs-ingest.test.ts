import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { loadS3LogConfig } from '../../shared/settings/components.ts';
import { s3LogDeps, type S3LogDeps } from '../../shared/s3logs/deps.ts';
import { ingestLogs, type LogSource, type MalformedLine } from '../../shared/s3logs/ingest.ts';
import { uploadEventSortKey } from '../../shared/summary/model/upload-events.ts';
import { uploadStartsKey } from '../../shared/summary/model/upload-starts.ts';
import { SWEEP_SOURCE, sweepUploads } from '../../shared/s3logs/sweep.ts';
import { createS3LogIngesterHandler } from '../../functions/s3-log-ingester/handler.ts';
import { formatAccessLogLine, generateBackupDay, multipartUpload, requestIdOf, type GeneratedRequest } from '../../infra/local/demo-s3-logs.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';

const H = 3_600_000;
const GRACE = 6 * H;
const T0 = Date.parse('2026-11-25T01:45:00Z');

const source = (name: string, text: string | Buffer): LogSource => ({
  name,
  open: async () => Readable.from([typeof text === 'string' ? Buffer.from(text) : text]),
});
const textOf = (requests: readonly GeneratedRequest[]) => `${requests.map(formatAccessLogLine).join('\n')}\n`;

describe('S3 access log ingestion on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;
  let deps: (nowMs: number) => S3LogDeps;

  /** The S3 items of one source bucket in the execution-log table, by pk. */
  async function itemsOf(bucket: string): Promise<Map<string, Record<string, any>>> {
    const out = new Map<string, Record<string, any>>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await clients.doc.send(new ScanCommand({ TableName: config.executionTable, ExclusiveStartKey: startKey, ConsistentRead: true }));
      for (const item of page.Items ?? []) if (item['s3_bucket'] === bucket) out.set(String(item['pk']), item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  beforeAll(async () => {
    clients = testClients();
    config = testConfig();
    await ensureLocalTables(clients.dynamodb, config);
    const s3 = loadS3LogConfig({ DDB_TABLE: config.executionTable, SUMMARY_TABLE: config.summaryTable });
    deps = (nowMs) => s3LogDeps(clients, s3, () => nowMs);
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('turns a day of logs into one item per failed part and one for the unfinished upload, nothing for the completed one', async () => {
    const day = generateBackupDay({ date: '2026-11-25', tz: 'Europe/Paris', bucket: 'day-in-one-run' });
    const sources = day.objects.map((o) => source(o.name, o.body));
    const result = await ingestLogs(deps(Date.parse('2026-11-26T07:00:00Z')), sources);
    expect(result).toMatchObject({ objects: day.objects.length, records: day.requests.length, malformed: 0, failedRequests: 0 });
    expect(result.settled.uploads).toMatchObject({ completed: 1, incomplete: 1, pending: 0 });

    const items = await itemsOf('day-in-one-run');
    expect(items.size).toBe(4);
    const process = `s3://day-in-one-run/${day.failedKey}`;
    for (const item of items.values()) {
      expect(item).toMatchObject({ status: 'FAILED', process, source: 's3-access-log' });
      expect(item['message']).toMatch(new RegExp(`^${day.failedKey.replace(/[.]/g, '\\.')}: 3 of 120 parts failed \\(SlowDown\\), upload never completed\\. `));
    }
    const parts = [...items.values()].filter((i) => i['operation'] === 'REST.PUT.PART');
    expect(parts.map((i) => i['message'].match(/part (\d+),/)?.[1]).sort()).toEqual(['37', '38', '88']);
    expect(parts.every((i) => i['http_status'] === 503 && i['error_code'] === 'SlowDown' && typeof i['upload_id'] === 'string')).toBe(true);
    const start = [...items.values()].find((i) => i['operation'] === 'REST.POST.UPLOADS')!;
    expect(start['event_ts']).toBe(day.requests.find((r) => r.operation === 'REST.POST.UPLOADS' && r.key === day.failedKey)!.ts);
  });

  it('adds and changes nothing when the same log objects are read again', async () => {
    const day = generateBackupDay({ date: '2026-11-25', tz: 'Europe/Paris', bucket: 'read-twice' });
    const run = () => ingestLogs(deps(Date.parse('2026-11-26T07:00:00Z')), day.objects.map((o) => source(o.name, o.body)));
    await run();
    const first = await itemsOf('read-twice');
    await run();
    expect(await itemsOf('read-twice')).toEqual(first);
    expect(first.size).toBe(4);
  });

  it('meets a completion logged in a later object with the parts it completes', async () => {
    const requests = multipartUpload({
      bucket: 'later-object',
      key: 'recordings/late.tar',
      startMs: T0,
      parts: 4,
      failedParts: new Map([[2, { status: 500, errorCode: 'InternalError' }]]),
      retryFailed: true,
      complete: true,
    });
    const completion = requests.pop()!;
    await ingestLogs(deps(T0 + H), [source('first', textOf(requests))]);
    let items = await itemsOf('later-object');
    expect([...items.values()].map((i) => i['message'])).toEqual([expect.stringMatching(/^recordings\/late\.tar: 1 of 4 parts failed \(InternalError\), 1 stored on retry, upload not completed yet\. /)]);

    await ingestLogs(deps(T0 + 2 * H), [source('second', textOf([completion]))]);
    items = await itemsOf('later-object');
    expect(items.size).toBe(1);
    expect([...items.values()][0]!['message']).toMatch(/^recordings\/late\.tar: 1 of 4 parts failed \(InternalError\), 1 stored on retry, upload completed\. /);
    const start = requests[0]!;
    const marker = await clients.doc.send(
      new GetCommand({
        TableName: config.summaryTable,
        Key: { pk: uploadStartsKey(start.ts), sk: uploadEventSortKey(start.ts, requestIdOf(`${start.bucket}|${start.ts}|${start.operation}|${start.requestUri}`)) },
        ConsistentRead: true,
      }),
    );
    expect(marker.Item?.['decided']).toBe('completed');
  });

  it('lets the sweep judge an upload nobody logs anything about again, once', async () => {
    const requests = multipartUpload({ bucket: 'quiet-upload', key: 'recordings/quiet.tar', startMs: T0, parts: 3, complete: false });
    await ingestLogs(deps(T0 + H), [source('only', textOf(requests))]);
    expect((await itemsOf('quiet-upload')).size).toBe(0);

    expect((await sweepUploads(deps(T0 + GRACE - 1), T0 + GRACE - 1)).uploads.incomplete).toBe(0);
    const sweep = await sweepUploads(deps(T0 + GRACE + 60_000), T0 + GRACE + 60_000);
    expect(sweep).toMatchObject({ openStarts: 1, itemsWritten: 1, uploads: { incomplete: 1 } });
    const items = [...(await itemsOf('quiet-upload')).values()];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ event_ts: T0, process: 's3://quiet-upload/recordings/quiet.tar' });
    expect(items[0]!['message']).toMatch(/^recordings\/quiet\.tar: 3 parts sent, none failed, upload never completed\. Upload started 2026-11-25T01:45:00Z/);

    const again = await sweepUploads(deps(T0 + GRACE + 2 * H), T0 + GRACE + 2 * H);
    expect(again).toMatchObject({ openStarts: 0, itemsWritten: 0 });
  });

  it('corrects the message, not the record, when a completion is logged after the upload was reported', async () => {
    const requests = multipartUpload({ bucket: 'late-log', key: 'recordings/slow-log.tar', startMs: T0, parts: 3, complete: true });
    const completion = requests.pop()!;
    await ingestLogs(deps(T0 + GRACE + H), [source('parts', textOf(requests))]);
    const [reported] = [...(await itemsOf('late-log')).values()];
    expect(reported!['message']).toMatch(/upload never completed\./);

    // S3 delivered the log object with the completion (logged within the grace period) hours late.
    await ingestLogs(deps(T0 + GRACE + 5 * H), [source('late', textOf([completion]))]);
    const items = [...(await itemsOf('late-log')).values()];
    expect(items).toHaveLength(1);
    expect(items[0]!['pk']).toBe(reported!['pk']);
    expect(items[0]!['message']).toMatch(
      /^recordings\/slow-log\.tar: 3 parts sent, none failed, upload completed\. .*; the log of its completion arrived only after the upload had been reported as never completed\.$/,
    );
  });

  it('never lets an earlier, less informed picture of an upload replace a later one', async () => {
    const requests = multipartUpload({ bucket: 'two-readers', key: 'k.tar', startMs: T0, parts: 3, failedParts: new Map([[1, { status: 503, errorCode: 'SlowDown' }]]), complete: true });
    const completion = requests.pop()!;
    // The invocation that read the completion writes first…
    await ingestLogs(deps(T0 + H), [source('a', textOf([...requests, completion]))]);
    // …then one that saw only the parts finishes late and tries to write what it knew.
    const writer = deps(T0 + H).failures;
    const [item] = [...(await itemsOf('two-readers')).values()];
    const stale = { ...item, message: 'k.tar: 1 of 3 parts failed (SlowDown), upload not completed yet.', evidence: Number(item!['evidence']) - 2 };
    expect(await writer.putUnlessBetterKnown(stale as never)).toBe(false);
    expect([...(await itemsOf('two-readers')).values()][0]!['message']).toMatch(/upload completed\./);
  });

  it('counts a malformed line with its number and reads the rest, gzip or not', async () => {
    const failedPut: GeneratedRequest = {
      bucket: 'with-garbage',
      ts: T0,
      operation: 'REST.PUT.OBJECT',
      key: 'exports/report+2026.csv',
      requestUri: 'PUT /exports/report+2026.csv HTTP/1.1',
      status: 403,
      errorCode: 'AccessDenied',
      totalMs: 8,
    };
    const text = `${formatAccessLogLine(failedPut)}\nthis is not a log line\n`;
    const malformed: MalformedLine[] = [];
    const result = await ingestLogs(deps(T0 + H), [source('2026-11-25-02-17-03-ABC.gz', gzipSync(text))], { onMalformed: (m) => malformed.push(m) });
    expect(result).toMatchObject({ records: 1, malformed: 1, failedRequests: 1 });
    expect(malformed).toEqual([{ source: '2026-11-25-02-17-03-ABC.gz', line: 2, reason: expect.stringMatching(/does not start with/) }]);
    const items = [...(await itemsOf('with-garbage')).values()];
    expect(items).toEqual([
      expect.objectContaining({
        pk: `s3://with-garbage/exports/report 2026.csv#${requestIdOf(`with-garbage|${T0}|REST.PUT.OBJECT|PUT /exports/report+2026.csv HTTP/1.1`)}`,
        process: 's3://with-garbage/exports/report 2026.csv',
        event_ts: T0,
        status: 'FAILED',
        source: 's3-access-log',
        message: expect.stringMatching(/^exports\/report 2026\.csv: REST\.PUT\.OBJECT failed \(403 AccessDenied\)\. Request [0-9A-F]{16} by arn:aws:sts::/),
      }),
    ]);
  });

  describe('the ingester function', () => {
    let server: Server;
    let s3Clients: Clients;
    const served = new Map<string, Buffer>();

    beforeAll(async () => {
      // GetObject over real HTTP, path-style: the SDK's own streaming body is what the function reads.
      server = createServer((req, res) => {
        const body = served.get(decodeURIComponent(req.url!.split('?')[0]!));
        if (!body) {
          res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
          return;
        }
        res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const ddb = inject('ddbEndpoint');
      s3Clients = createClients({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoints: { dynamodb: ddb, s3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
      });
    });

    afterAll(async () => {
      destroyClients(s3Clients);
      await new Promise((resolve) => server.close(resolve));
    });

    function s3Event(bucket: string, key: string): S3Event {
      return {
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: 'eu-west-1',
            eventTime: '2026-11-25T03:17:05.000Z',
            eventName: 'ObjectCreated:Put',
            userIdentity: { principalId: 'AWS:logging' },
            requestParameters: { sourceIPAddress: '10.0.0.1' },
            responseElements: { 'x-amz-request-id': 'R', 'x-amz-id-2': 'I' },
            s3: {
              s3SchemaVersion: '1.0',
              configurationId: 'notification',
              bucket: { name: bucket, ownerIdentity: { principalId: 'O' }, arn: `arn:aws:s3:::${bucket}` },
              object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: 1, eTag: 'e', sequencer: '1' },
            },
          },
        ],
      };
    }

    it('reads the object an S3 event names, gzipped, and sweeps on the schedule', async () => {
      const day = generateBackupDay({ date: '2026-11-25', tz: 'UTC', bucket: 'via-lambda' });
      const gz = day.objects.find((o) => o.gzipped)!;
      const logKey = `logs/via lambda/${gz.name}`;
      served.set(`/access-log-bucket/${logKey}`, gz.body);
      const s3config = loadS3LogConfig({ DDB_TABLE: config.executionTable, SUMMARY_TABLE: config.summaryTable });
      const handler = createS3LogIngesterHandler({
        ...s3LogDeps(s3Clients, s3config, () => Date.parse('2026-11-26T07:00:00Z')),
        s3: s3Clients.s3,
        logger: new Logger({ logLevel: 'SILENT' }),
      });

      const ingest = await handler(s3Event('access-log-bucket', logKey));
      expect(ingest).toMatchObject({ kind: 'ingest', objects: 1, malformed: 0 });
      expect(ingest.kind === 'ingest' && ingest.records).toBe(gunzipSync(gz.body).toString().trim().split('\n').length);
      // The hour of the start and the first 70-odd parts only: judged on what is there.
      const items = [...(await itemsOf('via-lambda')).values()];
      expect(items.map((i) => i['operation']).sort()).toEqual(['REST.POST.UPLOADS', 'REST.PUT.PART', 'REST.PUT.PART']);
      expect(items[0]!['message']).toMatch(/^recordings\/backup-2026-11-25\.tar: 2 of \d+ parts failed \(SlowDown\), upload never completed\. /);

      expect(await handler({ source: SWEEP_SOURCE })).toMatchObject({ kind: 'sweep' });
      await expect(handler({} as never)).rejects.toThrow(/Expected an S3 event notification/);
      await expect(handler(s3Event('access-log-bucket', 'logs/missing'))).rejects.toThrow();
    });
  });
});

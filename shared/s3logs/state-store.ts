import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../aws/batch-write.ts';
import type { MultipartEvent, MultipartRole } from './multipart.ts';
import {
  sortKeyFrom,
  sortKeyUntil,
  uploadEventSortKey,
  uploadEventsKey,
  uploadStartsKey,
  uploadStartsKeys,
} from './state-keys.ts';
import type { UploadFate } from './uploads.ts';

const DAY_MS = 86_400_000;

/** An upload start the sweep still has to judge. */
export interface OpenStart {
  readonly bucket: string;
  readonly key: string;
  readonly startMs: number;
  readonly requestId: string;
}

/**
 * The multipart requests seen so far, kept in the summary table so that a
 * completion logged in a later log object (or read by another invocation)
 * meets the start and the parts it belongs to. Every write is keyed by the
 * request, so reading a log object twice changes nothing.
 */
export class UploadStateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  private expiresAt(ms: number): number {
    return Math.floor((ms + this.retentionDays * DAY_MS) / 1000);
  }

  async putEvents(events: readonly MultipartEvent[]): Promise<void> {
    const items = new Map<string, Record<string, unknown>>();
    for (const e of events) {
      const pk = uploadEventsKey(e.bucket, e.key);
      const sk = uploadEventSortKey(e.ts, e.requestId);
      items.set(`${pk}\u0000${sk}`, {
        pk,
        sk,
        bucket: e.bucket,
        key: e.key,
        ts: e.ts,
        request_id: e.requestId,
        operation: e.operation,
        role: e.role,
        http_status: e.httpStatus,
        error_code: e.errorCode,
        upload_id: e.uploadId,
        part_number: e.partNumber,
        expires_at: this.expiresAt(e.ts),
      });
    }
    await batchPutAll(this.doc, this.tableName, [...items.values()]);
  }

  /** Records successful starts for the sweep; a start already judged keeps its verdict. */
  async putStarts(inits: readonly MultipartEvent[]): Promise<void> {
    for (const e of inits) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: uploadStartsKey(e.ts),
              sk: uploadEventSortKey(e.ts, e.requestId),
              bucket: e.bucket,
              key: e.key,
              start_ms: e.ts,
              request_id: e.requestId,
              expires_at: this.expiresAt(e.ts),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
  }

  /** One object's multipart requests from `fromMs` on, oldest first; read consistently, right after writing them. */
  async readEvents(bucket: string, key: string, fromMs: number): Promise<MultipartEvent[]> {
    const out: MultipartEvent[] = [];
    for await (const item of this.query(uploadEventsKey(bucket, key), 'sk >= :from', { ':from': sortKeyFrom(fromMs) })) {
      // A hashed partition key could in theory hold two objects' requests.
      if (item['key'] !== key || item['bucket'] !== bucket) continue;
      out.push({
        bucket,
        key,
        ts: Number(item['ts']),
        requestId: String(item['request_id']),
        operation: String(item['operation']),
        role: item['role'] as MultipartRole,
        httpStatus: typeof item['http_status'] === 'number' ? item['http_status'] : null,
        errorCode: typeof item['error_code'] === 'string' ? item['error_code'] : null,
        uploadId: typeof item['upload_id'] === 'string' ? item['upload_id'] : null,
        partNumber: typeof item['part_number'] === 'number' ? item['part_number'] : null,
      });
    }
    return out;
  }

  /** Starts from `fromMs` to `untilMs` not judged yet. */
  async listOpenStarts(fromMs: number, untilMs: number): Promise<OpenStart[]> {
    const out: OpenStart[] = [];
    for (const pk of uploadStartsKeys(fromMs, untilMs)) {
      const items = this.query(pk, 'sk BETWEEN :from AND :until', { ':from': sortKeyFrom(fromMs), ':until': sortKeyUntil(untilMs) }, {
        expression: 'attribute_not_exists(#decided)',
        names: { '#decided': 'decided' },
      });
      for await (const item of items) {
        out.push({ bucket: String(item['bucket']), key: String(item['key']), startMs: Number(item['start_ms']), requestId: String(item['request_id']) });
      }
    }
    return out;
  }

  /** Records the verdict on a start, so the sweep stops reading it. */
  async markDecided(init: MultipartEvent, fate: UploadFate): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: uploadStartsKey(init.ts), sk: uploadEventSortKey(init.ts, init.requestId) },
          UpdateExpression: 'SET #decided = :fate',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#decided': 'decided' },
          ExpressionAttributeValues: { ':fate': fate },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  private async *query(
    pk: string,
    skCondition: string,
    values: Record<string, unknown>,
    filter?: { readonly expression: string; readonly names: Record<string, string> },
  ): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: `pk = :pk AND ${skCondition}`,
          ...(filter ? { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names } : {}),
          ExpressionAttributeValues: { ':pk': pk, ...values },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

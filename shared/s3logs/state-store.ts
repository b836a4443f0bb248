import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { paginateQuery, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../aws/batch-write.ts';
import { expr, namesOf, setFields, type NamedExpression } from '../aws/expression.ts';
import { expiresAt, keyItem, keyOf, SUMMARY_TABLE, type SummaryItem } from '../summary/model/table.ts';
import { sortKeyFrom, sortKeyUntil, uploadEventFromItem, uploadEventItem, uploadEventsKey } from '../summary/model/upload-events.ts';
import {
  decidedFields,
  openStartFromItem,
  UPLOAD_START,
  uploadStartItem,
  uploadStartKey,
  uploadStartsKeys,
  type OpenStart,
} from '../summary/model/upload-starts.ts';
import type { MultipartEvent } from './multipart.ts';
import type { UploadFate } from './uploads.ts';

const PK = SUMMARY_TABLE.partitionKey;
const SK = SUMMARY_TABLE.sortKey;

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

  async putEvents(events: readonly MultipartEvent[]): Promise<void> {
    // One batch may not put the same key twice.
    const items = new Map<string, SummaryItem>();
    for (const e of events) {
      const item = uploadEventItem(e, expiresAt(e.ts, this.retentionDays));
      const { pk, sk } = keyOf(item);
      items.set(`${pk}\u0000${sk}`, item);
    }
    await batchPutAll(this.doc, this.tableName, [...items.values()]);
  }

  /** Records successful starts for the sweep; a start already judged keeps its verdict. */
  async putStarts(inits: readonly MultipartEvent[]): Promise<void> {
    const absent = expr`attribute_not_exists(${PK})`;
    for (const e of inits) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: uploadStartItem(e, expiresAt(e.ts, this.retentionDays)),
            ConditionExpression: absent.expression,
            ExpressionAttributeNames: absent.names,
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
    const range = expr`${SK} >= :from`;
    for await (const item of this.query(uploadEventsKey(bucket, key), range, { ':from': sortKeyFrom(fromMs) })) {
      const e = uploadEventFromItem(item);
      // A hashed partition key could in theory hold two objects' requests.
      if (e.key === key && e.bucket === bucket) out.push(e);
    }
    return out;
  }

  /** Starts from `fromMs` to `untilMs` not judged yet. */
  async listOpenStarts(fromMs: number, untilMs: number): Promise<OpenStart[]> {
    const out: OpenStart[] = [];
    const range = expr`${SK} BETWEEN :from AND :until`;
    const undecided = expr`attribute_not_exists(${UPLOAD_START.attributes.decided})`;
    for (const pk of uploadStartsKeys(fromMs, untilMs)) {
      const items = this.query(pk, range, { ':from': sortKeyFrom(fromMs), ':until': sortKeyUntil(untilMs) }, undecided);
      for await (const item of items) out.push(openStartFromItem(item));
    }
    return out;
  }

  /** Records the verdict on a start, so the sweep stops reading it. */
  async markDecided(init: MultipartEvent, fate: UploadFate): Promise<void> {
    const update = setFields(decidedFields(fate));
    const present = expr`attribute_exists(${PK})`;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyItem(uploadStartKey(init)),
          UpdateExpression: update.expression,
          ConditionExpression: present.expression,
          ExpressionAttributeNames: namesOf(update, present),
          ExpressionAttributeValues: update.values,
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  private async *query(
    pk: string,
    range: NamedExpression,
    values: Record<string, unknown>,
    filter?: NamedExpression,
  ): AsyncGenerator<SummaryItem> {
    const key = expr`${PK} = :pk`;
    const input = {
      TableName: this.tableName,
      KeyConditionExpression: `${key.expression} AND ${range.expression}`,
      ...(filter ? { FilterExpression: filter.expression } : {}),
      ExpressionAttributeNames: namesOf(key, range, ...(filter ? [filter] : [])),
      ExpressionAttributeValues: { ':pk': pk, ...values },
      ConsistentRead: true,
    };
    for await (const page of paginateQuery({ client: this.doc }, input)) yield* page.Items ?? [];
  }
}

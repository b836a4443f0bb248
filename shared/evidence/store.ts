import { GetCommand, PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expr } from '../aws/expression.ts';
import type { Heartbeat } from '../capture/heartbeat.ts';
import {
  heartbeatRoundFromItem,
  heartbeatRoundItem,
  heartbeatRoundPartitions,
  heartbeatSlotsFromItem,
  heartbeatSlotsItem,
  heartbeatSlotsKey,
  roundSortKeyFrom,
  WATERMARK,
  watermarkFromItem,
  watermarkItem,
  type HeartbeatRound,
} from '../summary/model/capture-evidence.ts';
import { expiresAt, keyItem, SUMMARY_TABLE, type SummaryItem } from '../summary/model/table.ts';
import { putIf } from '../aws/conditional-put.ts';

const PK = SUMMARY_TABLE.partitionKey;
const SK = SUMMARY_TABLE.sortKey;

/** Reads and writes the capture evidence: watermarks, heartbeat rounds, and the slot set. */
export class EvidenceStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  /**
   * Moves a slot's watermark forward to a processed heartbeat. Conditional,
   * so a redelivered or parallel older heartbeat never moves it back.
   */
  async advanceWatermark(heartbeat: Heartbeat): Promise<void> {
    const condition = expr`attribute_not_exists(${PK}) OR ${WATERMARK.attributes.throughMs} < :through`;
    await putIf(this.doc, this.tableName, watermarkItem(heartbeat.slot, heartbeat.writtenMs), condition, { ':through': heartbeat.writtenMs });
  }

  /** Every slot's watermark, by slot. */
  async watermarks(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for await (const item of this.query(expr`${PK} = :pk`, { ':pk': WATERMARK.prefix })) {
      const w = watermarkFromItem(item);
      out.set(w.slot, w.throughMs);
    }
    return out;
  }

  async putRound(round: HeartbeatRound): Promise<void> {
    const item = heartbeatRoundItem(round, expiresAt(round.writtenMs, this.retentionDays), SUMMARY_TABLE.ttlAttribute);
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** Rounds written from `fromMs` to `toMs`, oldest first. */
  async roundsBetween(fromMs: number, toMs: number): Promise<HeartbeatRound[]> {
    const out: HeartbeatRound[] = [];
    const key = expr`${PK} = :pk AND ${SK} >= :from`;
    for (const pk of heartbeatRoundPartitions(fromMs, toMs)) {
      for await (const item of this.query(key, { ':pk': pk, ':from': roundSortKeyFrom(fromMs) })) {
        const round = heartbeatRoundFromItem(item);
        if (round.writtenMs <= toMs) out.push(round);
      }
    }
    return out;
  }

  async getSlots(): Promise<number[] | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyItem(heartbeatSlotsKey()), ConsistentRead: true }));
    return out.Item ? heartbeatSlotsFromItem(out.Item) : undefined;
  }

  async putSlots(slots: readonly number[]): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: heartbeatSlotsItem(slots) }));
  }

  private async *query(key: { expression: string; names: Record<string, string> }, values: Record<string, unknown>): AsyncGenerator<SummaryItem> {
    const input = { TableName: this.tableName, KeyConditionExpression: key.expression, ExpressionAttributeNames: key.names, ExpressionAttributeValues: values, ConsistentRead: true };
    for await (const page of paginateQuery({ client: this.doc }, input)) yield* page.Items ?? [];
  }
}

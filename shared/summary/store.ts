import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { FailureEntry } from '../capture/entry.ts';
import { allDayKeys, coverageKey, dayKey, dayStateKey, entryKey, sentMarkerKey, shardOf, unreadableKey } from './keys.ts';
import { batchPutAll } from '../aws/batch-write.ts';

/** Read statistics, so the benchmark can compare access paths. */
export interface ReadStats {
  pages: number;
  rcu: number;
}

export interface UnreadableRecord {
  readonly id: string;
  readonly reason: string;
  readonly raw: string;
  readonly received_ms: number;
  readonly day: string;
}

export interface DayState {
  readonly incomplete: boolean;
  readonly reason?: string;
  readonly rebuilt_ms?: number;
}

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'already-sent'; readonly sentMs: number; readonly messageId: string }
  | { readonly kind: 'in-progress'; readonly leaseUntilMs: number };

// A stored raw image stays far below DynamoDB's 400 KB item limit.
const MAX_RAW_CHARS = 32_000;
const DAY_MS = 86_400_000;

export class SummaryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  private expiresAt(eventMs: number): number {
    return Math.floor((eventMs + this.retentionDays * DAY_MS) / 1000);
  }

  entryItem(entry: FailureEntry, tz: string, day: string): Record<string, unknown> {
    return {
      pk: dayKey(tz, day, shardOf(entry.pk, entry.event_ts)),
      sk: entryKey(entry.event_ts, entry.pk),
      spk: entry.pk,
      proc: entry.process,
      ts: entry.event_ts,
      msg: entry.message,
      src: entry.source,
      expires_at: this.expiresAt(entry.event_ts),
    };
  }

  /** Deterministic key and the same content: a redelivered record rewrites the same item. */
  async putEntry(entry: FailureEntry, tz: string, day: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.entryItem(entry, tz, day) }));
  }

  /** Many entries at once (reprocess): the same items as `putEntry`, batched. */
  async putEntries(entries: readonly { entry: FailureEntry; day: string }[], tz: string): Promise<void> {
    await batchPutAll(this.doc, this.tableName, entries.map(({ entry, day }) => this.entryItem(entry, tz, day)));
  }

  async putUnreadable(tz: string, record: UnreadableRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: unreadableKey(tz, record.day),
          sk: record.id,
          reason: record.reason,
          raw: record.raw.length > MAX_RAW_CHARS ? `${record.raw.slice(0, MAX_RAW_CHARS)}…` : record.raw,
          received_ms: record.received_ms,
          expires_at: this.expiresAt(record.received_ms),
        },
      }),
    );
  }

  async readDay(tz: string, date: string, stats?: ReadStats): Promise<FailureEntry[]> {
    const shards = await Promise.all(
      allDayKeys(tz, date).map(async (pk) => {
        const out: FailureEntry[] = [];
        for await (const item of this.query(pk, stats)) {
          out.push({
            pk: String(item['spk']),
            process: String(item['proc']),
            event_ts: Number(item['ts']),
            message: String(item['msg'] ?? ''),
            source: String(item['src'] ?? ''),
          });
        }
        return out;
      }),
    );
    return shards.flat();
  }

  async listUnreadable(tz: string, date: string): Promise<UnreadableRecord[]> {
    const out: UnreadableRecord[] = [];
    for await (const item of this.query(unreadableKey(tz, date))) {
      out.push({
        id: String(item['sk']),
        reason: String(item['reason']),
        raw: String(item['raw']),
        received_ms: Number(item['received_ms']),
        day: date,
      });
    }
    return out;
  }

  private async *query(pk: string, stats?: ReadStats): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      if (stats) {
        stats.pages += 1;
        stats.rcu += page.ConsumedCapacity?.CapacityUnits ?? 0;
      }
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async getCoverage(tz: string): Promise<number | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: coverageKey(tz), ConsistentRead: true }));
    return out.Item ? Number(out.Item['since_ms']) : undefined;
  }

  /** Records since when capture has seen every write, unless an earlier start is already recorded. */
  async ensureCoverage(tz: string, sinceMs: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...coverageKey(tz), since_ms: sinceMs },
          ConditionExpression: 'attribute_not_exists(pk) OR since_ms > :since',
          ExpressionAttributeValues: { ':since': sinceMs },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  async getDayState(tz: string, date: string): Promise<DayState | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: dayStateKey(tz, date), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const rebuilt = out.Item['rebuilt_ms'];
    return {
      incomplete: out.Item['incomplete'] === true,
      ...(typeof out.Item['reason'] === 'string' ? { reason: out.Item['reason'] } : {}),
      ...(typeof rebuilt === 'number' ? { rebuilt_ms: rebuilt } : {}),
    };
  }

  async markIncomplete(tz: string, date: string, reason: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: dayStateKey(tz, date),
        UpdateExpression: 'SET incomplete = :t, reason = :r',
        ExpressionAttributeValues: { ':t': true, ':r': reason },
      }),
    );
  }

  async markRebuilt(tz: string, date: string, nowMs: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...dayStateKey(tz, date), incomplete: false, rebuilt_ms: nowMs },
      }),
    );
  }

  /**
   * Takes the right to send one day's email. SES has no idempotency token, so
   * this conditional put is what makes a second firing, a retry or a parallel
   * run send nothing. A claim left by a crashed run expires after its lease.
   */
  async claimSend(tz: string, date: string, nowMs: number, leaseMs: number, force: boolean): Promise<ClaimResult> {
    const token = `${nowMs}-${Math.random().toString(36).slice(2, 10)}`;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...sentMarkerKey(tz, date), state: 'sending', claim_token: token, lease_until_ms: nowMs + leaseMs },
          ...(force
            ? {}
            : {
                ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND lease_until_ms < :now)',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':sending': 'sending', ':now': nowMs },
              }),
        }),
      );
      return { kind: 'claimed', token };
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const held = await this.getSentMarker(tz, date);
      if (held?.['state'] === 'sent') {
        return { kind: 'already-sent', sentMs: Number(held['sent_ms']), messageId: String(held['message_id']) };
      }
      return { kind: 'in-progress', leaseUntilMs: Number(held?.['lease_until_ms'] ?? 0) };
    }
  }

  async getSentMarker(tz: string, date: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: sentMarkerKey(tz, date), ConsistentRead: true }));
    return out.Item;
  }

  async confirmSend(tz: string, date: string, token: string, info: { messageId: string; sentMs: number; count: number; source: string }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sentMarkerKey(tz, date),
        UpdateExpression: 'SET #state = :sent, message_id = :id, sent_ms = :at, failure_count = :n, report_source = :src REMOVE lease_until_ms',
        ConditionExpression: 'claim_token = :token',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':id': info.messageId, ':at': info.sentMs, ':n': info.count, ':src': info.source, ':token': token },
      }),
    );
  }

  /** Gives the claim back after a failed send, so the next attempt may send. */
  async releaseSend(tz: string, date: string, token: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: sentMarkerKey(tz, date),
          ConditionExpression: 'claim_token = :token',
          ExpressionAttributeValues: { ':token': token },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }
}

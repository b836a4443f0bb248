import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putIf, updateIf } from '../aws/conditional-put.ts';
import { expr, setFields } from '../aws/expression.ts';
import {
  claimItem,
  endedFields,
  SENT_MARKER,
  sentFields,
  sentMarkerFromItem,
  sentMarkerKey,
  skippedItem,
  type SentInfo,
  type SentMarker,
} from '../summary/model/sent-marker.ts';
import { keyItem, SUMMARY_TABLE } from '../summary/model/table.ts';

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'already-sent'; readonly sentMs: number; readonly messageId: string }
  /** `marked`: this claim found a lapsed send and recorded the doubt, so its run is the one to tell someone. */
  | { readonly kind: 'in-doubt'; readonly reason: string; readonly marked: boolean }
  | { readonly kind: 'held'; readonly leaseUntilMs: number };

/** Another run took the day over after this one's lease lapsed: this run must not send. */
export class ClaimLostError extends Error {
  constructor(date: string) {
    super(`the claim on ${date} lapsed before sending; nothing was sent by this run`);
    this.name = 'ClaimLostError';
  }
}

const PK = SUMMARY_TABLE.partitionKey;
const A = SENT_MARKER.attributes;
const S = SENT_MARKER.states;

/** The send ledger of the summary table (see `SENT_MARKER` for its states). */
export class SendLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Takes the right to send one day's email until `leaseUntilMs`, the time by
   * which this run is done or gone. Free: no item, `failed`, or a lapsed
   * `claimed`. A lapsed `sending` is turned `in-doubt` here, since its run
   * may have reached SES. `force` also takes a `sent` or `in-doubt` day, but
   * never a live claim.
   */
  async claim(tz: string, date: string, nowMs: number, leaseUntilMs: number, force: boolean): Promise<ClaimResult> {
    const token = `${nowMs}-${Math.random().toString(36).slice(2, 10)}`;
    const item = claimItem(tz, date, token, leaseUntilMs, nowMs);
    const free = force
      ? expr`attribute_not_exists(${PK}) OR NOT (${A.state} IN (:claimed, :sending)) OR ${A.leaseUntilMs} < :now`
      : expr`attribute_not_exists(${PK}) OR ${A.state} IN (:failed, :skipped) OR (${A.state} = :claimed AND ${A.leaseUntilMs} < :now)`;
    const values = force
      ? { ':claimed': S.claimed, ':sending': S.sending, ':now': nowMs }
      : { ':failed': S.failed, ':skipped': S.skippedEmpty, ':claimed': S.claimed, ':now': nowMs };
    if (await putIf(this.doc, this.tableName, item, free, values)) return { kind: 'claimed', token };

    const held = await this.get(tz, date);
    if (!held) return this.claim(tz, date, nowMs, leaseUntilMs, force);
    switch (held.state) {
      case 'sent':
        return { kind: 'already-sent', sentMs: held.sentMs, messageId: held.messageId };
      case 'in-doubt':
        return { kind: 'in-doubt', reason: held.reason, marked: false };
      case 'failed':
      case 'skipped-empty':
        // Taken and ended again between the put and the read: the next run decides.
        return { kind: 'held', leaseUntilMs: nowMs };
      case 'claimed':
        return { kind: 'held', leaseUntilMs: held.leaseUntilMs };
      case 'sending': {
        if (held.leaseUntilMs >= nowMs) return { kind: 'held', leaseUntilMs: held.leaseUntilMs };
        const reason = `a run was sending it when its claim lapsed at ${new Date(held.leaseUntilMs).toISOString()}, and never recorded the answer: SES may have accepted it`;
        const marked = await this.end(tz, date, held.claimToken, 'in-doubt', reason, nowMs, 'sending');
        return { kind: 'in-doubt', reason, marked };
      }
    }
  }

  /** Records a day with nothing to send, unless a run already holds or ended it. */
  async recordSkipped(tz: string, date: string, nowMs: number): Promise<void> {
    await putIf(this.doc, this.tableName, skippedItem(tz, date, nowMs), expr`attribute_not_exists(${PK})`);
  }

  /** Records that the one SendEmail call is about to be made; fails if the claim lapsed or was taken. */
  async markSending(tz: string, date: string, token: string, nowMs: number): Promise<void> {
    const set = setFields({ [A.state]: S.sending, [A.changedMs]: nowMs });
    const condition = expr`${A.claimToken} = :token AND ${A.state} = :claimed AND ${A.leaseUntilMs} >= :now`;
    const ok = await updateIf(this.doc, this.tableName, this.key(tz, date), set, condition, { ':token': token, ':claimed': S.claimed, ':now': nowMs });
    if (!ok) throw new ClaimLostError(date);
  }

  /** SES accepted the message: the day is sent, also if another run meanwhile called it in doubt. */
  async confirm(tz: string, date: string, token: string, info: SentInfo): Promise<void> {
    const remove = expr`REMOVE ${A.leaseUntilMs}, ${A.reason}`;
    const own = expr`${A.claimToken} = :token`;
    const ok = await updateIf(this.doc, this.tableName, this.key(tz, date), setFields(sentFields(info)), own, { ':token': token }, remove);
    if (!ok) throw new Error(`SES accepted message ${info.messageId} for ${date}, but another run took the day over before it was recorded`);
  }

  /**
   * Ends this run's send without a message id; false when the claim was no
   * longer this run's, or (with `from`) no longer in that state.
   */
  async end(tz: string, date: string, token: string, state: 'failed' | 'in-doubt', reason: string, nowMs: number, from?: 'sending'): Promise<boolean> {
    const set = setFields(endedFields(state, reason, nowMs));
    const condition = from ? expr`${A.claimToken} = :token AND ${A.state} = :from` : expr`${A.claimToken} = :token`;
    return updateIf(this.doc, this.tableName, this.key(tz, date), set, condition, { ':token': token, ...(from ? { ':from': from } : {}) });
  }

  async get(tz: string, date: string): Promise<SentMarker | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(tz, date), ConsistentRead: true }));
    return out.Item ? sentMarkerFromItem(out.Item) : undefined;
  }

  private key(tz: string, date: string): Record<string, unknown> {
    return keyItem(sentMarkerKey(tz, date));
  }
}

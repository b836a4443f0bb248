import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SUMMARY_KINDS, type SummaryKind } from '../../shared/summary/model/kinds.ts';

/**
 * The actions a role may be granted on the summary table. Each names the
 * partition keys it touches, so `dynamodb:LeadingKeys` is always in the
 * request. Scan is not among them: it carries no leading key, and a
 * `ForAllValues` condition holds on an absent key, so a Scan grant would
 * reach every kind.
 *
 * TransactWriteItems has no action of its own here: IAM authorises each
 * item of a transaction as the single-item action it is (a Put as PutItem,
 * an Update as UpdateItem, a ConditionCheck as dynamodb:ConditionCheckItem),
 * each with its own leading key ("Using IAM with DynamoDB transactions" in
 * the DynamoDB developer guide). The stored item that a failed condition
 * returns (ReturnValuesOnConditionCheckFailure) needs no read grant.
 */
export type SummaryAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:BatchWriteItem';

/** What one role may do on the summary table: per action, the kinds of item it may do it to. */
export type SummaryAccess = Readonly<Partial<Record<SummaryAction, readonly SummaryKind[]>>>;

/**
 * Who touches which kinds, read from the code each function runs. A role
 * then cannot rewrite what is not its to write: the digest cannot forge or
 * drop a day's entries, capture cannot mark a day sent, the S3 ingester
 * touches only upload state.
 */
export const SUMMARY_ACCESS = {
  /**
   * SummaryStore.putEntry (group-writes.ts: the entry's put and its group's
   * count in one transaction, then conditional updates of the group and the
   * signature registry, and the group info's put-if-absent), putUnreadable
   * and ensureCoverage, and
   * EvidenceStore.advanceWatermark. It reads nothing of the table: a
   * cancelled transaction returns the stored entry.
   */
  streamConsumer: {
    'dynamodb:PutItem': ['dayEntry', 'groupInfo', 'unreadable', 'coverage', 'watermark'],
    'dynamodb:UpdateItem': ['dayGroup', 'signature'],
  },
  /**
   * The consumer's writes on the records it reads back (heartbeats among
   * them, hence watermarks), and SummaryStore.markIncomplete on days whose
   * records the stream no longer holds.
   */
  streamRecovery: {
    'dynamodb:PutItem': ['dayEntry', 'groupInfo', 'unreadable', 'watermark'],
    'dynamodb:UpdateItem': ['dayState', 'dayGroup', 'signature'],
  },
  /** EvidenceStore.getSlots, putSlots and putRound. */
  heartbeat: {
    'dynamodb:GetItem': ['heartbeatSlots'],
    'dynamodb:PutItem': ['heartbeatSlots', 'heartbeatRound'],
  },
  /**
   * Reads what a report and its completeness need (SummaryStore,
   * EvidenceStore, SendLedger.get); writes only its send ledger, with a
   * conditional put (claim) and conditional updates. It deletes nothing.
   */
  digest: {
    'dynamodb:GetItem': ['coverage', 'dayState', 'sentMarker'],
    /** readGroupInfos among them: the day's templates, for the CSV. */
    'dynamodb:Query': ['dayEntry', 'dayGroup', 'groupInfo', 'unreadable', 'watermark', 'heartbeatRound'],
    /** SummaryStore.getSignatures (first seen of the signatures it shows), getGroupInfos (their text) and getRollups (the week before). */
    'dynamodb:BatchGetItem': ['signature', 'groupInfo', 'dayRollup'],
    /** The send ledger's claim, and SummaryStore.putRollup: a finished day's rollup for the next week's digests. */
    'dynamodb:PutItem': ['sentMarker', 'dayRollup'],
    'dynamodb:UpdateItem': ['sentMarker'],
  },
  /** SendLedger.get: whether the digest's day was confirmed. */
  watchdog: {
    'dynamodb:GetItem': ['sentMarker'],
  },
  /** UploadStateStore: events in batches, starts one by one, then their verdicts. */
  s3LogIngester: {
    'dynamodb:Query': ['uploadEvent', 'uploadStart'],
    'dynamodb:BatchWriteItem': ['uploadEvent'],
    'dynamodb:PutItem': ['uploadStart'],
    'dynamodb:UpdateItem': ['uploadStart'],
  },
} as const satisfies Record<string, SummaryAccess>;

/*
 * reprocess has no role in the stack: it runs from the CLI with the
 * operator's credentials. What it needs on the summary table, for whoever
 * writes that operator's policy: BatchWriteItem on dayEntry (putEntries);
 * Query, PutItem and DeleteItem on dayGroup and PutItem on groupInfo
 * (rebuildGroups, all conditional); UpdateItem on signature; GetItem and
 * PutItem on dayState.
 */

/**
 * Limits a statement to items whose partition key starts with one of
 * `prefixes`. `ForAllValues` because a batch carries many keys and each one
 * must match.
 */
export function leadingKeysPrefixCondition(prefixes: readonly string[]): Record<string, Record<string, string[]>> {
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } };
}

/**
 * Limits a statement to items of `kinds`. A kind's partition keys all start
 * with its registered prefix, and no prefix begins another (kinds.ts), so
 * `PREFIX*` matches that kind's keys and no other's.
 */
export function leadingKeysCondition(kinds: readonly SummaryKind[]): Record<string, Record<string, string[]>> {
  return leadingKeysPrefixCondition(kinds.map((k) => SUMMARY_KINDS[k]));
}

/** One statement per set of kinds, so each action reaches exactly the kinds listed for it. */
export function summaryTableStatements(table: dynamodb.ITable, access: SummaryAccess): iam.PolicyStatement[] {
  const byKinds = new Map<string, { actions: SummaryAction[]; kinds: readonly SummaryKind[] }>();
  for (const [action, kinds] of Object.entries(access) as [SummaryAction, readonly SummaryKind[]][]) {
    const id = [...kinds].sort().join(' ');
    const group = byKinds.get(id);
    if (group) group.actions.push(action);
    else byKinds.set(id, { actions: [action], kinds });
  }
  return [...byKinds.values()].map(
    ({ actions, kinds }) => new iam.PolicyStatement({ actions, resources: [table.tableArn], conditions: leadingKeysCondition(kinds) }),
  );
}

/** Grants `role` exactly `access` on the summary table. */
export function grantSummaryAccess(role: iam.IRole, table: dynamodb.ITable, access: SummaryAccess): void {
  for (const statement of summaryTableStatements(table, access)) role.addToPrincipalPolicy(statement);
}

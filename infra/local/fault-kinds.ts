/** The tables and index the faults aim at: the configuration's own names. */
export interface FaultTargets {
  readonly summaryTable: string;
  readonly executionTable: string;
  readonly gsiName: string;
}

/** Where in one SDK attempt a kind acts: instead of sending it, or once the service accepted it. */
export type FaultMoment = 'instead-of-sending' | 'after-accepted';

export interface FaultKindRule {
  readonly service: 'dynamodb' | 'ses';
  readonly moment: FaultMoment;
  /** Whether one attempt of this command with this (marshalled) input is the kind's to fail. */
  readonly matches: (commandName: string, input: Record<string, unknown>, targets: FaultTargets) => boolean;
  /** What it does, as the help and the startup lines say it. */
  readonly describe: (targets: FaultTargets) => string;
}

const SINGLE_ITEM_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** A write request that touches `table`, whichever of the five write operations it is. */
function writesTo(commandName: string, input: Record<string, unknown>, table: string): boolean {
  if (SINGLE_ITEM_WRITES.has(commandName)) return input['TableName'] === table;
  if (commandName === 'BatchWriteItemCommand') return Object.hasOwn((input['RequestItems'] ?? {}) as object, table);
  if (commandName === 'TransactWriteItemsCommand') {
    const items = (input['TransactItems'] ?? []) as Record<string, { TableName?: string } | undefined>[];
    return items.some((item) => Object.values(item).some((op) => op?.TableName === table));
  }
  return false;
}

const isSendEmail = (commandName: string) => commandName === 'SendEmailCommand';

/**
 * Every fault kind: what it hits and what the caller sees. Each acts on single
 * SDK attempts, inside the SDK's retry loop, as the real fault would.
 */
export const FAULT_RULES = {
  'summary-write': {
    service: 'dynamodb',
    moment: 'instead-of-sending',
    matches: (command, input, t) => writesTo(command, input, t.summaryTable),
    describe: (t) =>
      `PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems on ${t.summaryTable} answer ProvisionedThroughputExceededException (HTTP 400, nothing written)`,
  },
  'gsi-read': {
    service: 'dynamodb',
    moment: 'instead-of-sending',
    matches: (command, input, t) => command === 'QueryCommand' && input['TableName'] === t.executionTable && input['IndexName'] === t.gsiName,
    describe: (t) => `Query on ${t.executionTable} index ${t.gsiName} answers ProvisionedThroughputExceededException (HTTP 400)`,
  },
  'ses-throttle': {
    service: 'ses',
    moment: 'instead-of-sending',
    matches: isSendEmail,
    describe: () => 'SendEmail answers TooManyRequestsException (HTTP 429, nothing sent)',
  },
  'ses-timeout': {
    service: 'ses',
    moment: 'after-accepted',
    matches: isSendEmail,
    describe: () => 'SendEmail reaches SES, which keeps the message; its answer is lost and the caller gets a TimeoutError',
  },
  'crash-after-send': {
    service: 'ses',
    moment: 'after-accepted',
    matches: isSendEmail,
    describe: () => 'once SES has accepted a SendEmail, the process is killed (SIGKILL) before anything else runs',
  },
} as const satisfies Record<string, FaultKindRule>;

export type FaultKind = keyof typeof FAULT_RULES;

export const FAULT_KINDS = Object.keys(FAULT_RULES) as FaultKind[];

export const isFaultKind = (name: string): name is FaultKind => Object.hasOwn(FAULT_RULES, name);

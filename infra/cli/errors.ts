import { ConfigError } from '../../shared/settings/errors.ts';
import { nameOf } from '../../shared/settings/read.ts';
import { isInjectedFault } from '../local/fault-answers.ts';
import { setupHint } from './setup-hints.ts';

const USER_ERRORS = new Set([
  'ConfigError',
  'InvalidDateError',
  'UnknownTimeZoneError',
  'InvalidDigestEventError',
  'RangeError',
  'JavaMissingError',
  'DynamoDbLocalStartError',
  'UsageError',
  'FaultSpecError',
  'FaultsNotLocalError',
  'ResourceNotFoundException',
  'DayNotOverError',
]);

/** Errors of a run that went wrong for a reason the message says in full: one line, exit 1. */
const RUN_ERRORS = new Set(['ClaimLostError', 'SenderCheckError', 'PortInUseError', 'PortNotOursError', 'LeftoverStackError', 'StackRecordError']);

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The reader of standard output went away (`failure-digest … | head`): stop, as quietly as SIGPIPE would. */
export class OutputClosedError extends Error {
  constructor() {
    super('standard output was closed');
    this.name = 'OutputClosedError';
  }
}

export interface DescribedError {
  readonly message: string;
  readonly exitCode: number;
}

/** One clear line for what a person can fix; the stack only for what they cannot. */
export function describeError(e: unknown): DescribedError {
  // One problem reads best as one line; several as the list under its heading.
  if (e instanceof ConfigError) return { message: e.problems.length === 1 ? e.problems[0]! : e.message, exitCode: 2 };
  if (!(e instanceof Error)) return { message: String(e), exitCode: 1 };
  const hint = setupHint(e);
  if (hint) return hint;
  if (e.name === 'ResourceNotFoundException') {
    const names = (['executionTable', 'summaryTable', 'gsiName'] as const).map((k) => nameOf(k, 'env'));
    return { message: `${e.message} (check ${names.join(', ')} and the endpoint)`, exitCode: 1 };
  }
  if (USER_ERRORS.has(e.name)) return { message: e.message, exitCode: 2 };
  if (RUN_ERRORS.has(e.name)) return { message: e.message, exitCode: 1 };
  // Asked for with --fault: the error is the point, its stack is not.
  if (isInjectedFault(e)) return { message: `${e.name}: ${e.message}`, exitCode: 1 };
  return { message: e.stack ?? e.message, exitCode: 1 };
}

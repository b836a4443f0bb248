import { EXECUTION_LOG_TABLE } from '../tables.ts';
import { STATUS_PADDING } from './failed-status.ts';

/**
 * The event-source-mapping filter: only INSERT and MODIFY records whose new
 * image has a FAILED `status` reach the consumer, however the writer spelt it
 * (failed-status.ts). A leaf's rules are ORed, so one pattern holds them all:
 * FAILED in any case (`equals-ignore-case`), and any status that begins or
 * ends with padding (`prefix`, `suffix`), which the classifier then trims and
 * judges; Lambda's filter cannot trim. Operators as documented in the Lambda
 * Developer Guide, "Control which events Lambda sends to your function",
 * filter rule syntax. The CDK stack puts this exact pattern on the mapping
 * and the local poller applies it with `matchesFilter`, so both deliver the
 * same records.
 */
export const FAILED_WRITES_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: {
    NewImage: {
      [EXECUTION_LOG_TABLE.attributes.status]: {
        S: [
          { 'equals-ignore-case': EXECUTION_LOG_TABLE.failedStatus },
          ...STATUS_PADDING.map((c) => ({ prefix: c })),
          ...STATUS_PADDING.map((c) => ({ suffix: c })),
        ],
      },
    },
  },
} as const;

/** One rule of a leaf: an exact value, or one of the operators below. */
export type FilterRule =
  | string
  | number
  | boolean
  | null
  | { readonly 'equals-ignore-case': string }
  | { readonly prefix: string }
  | { readonly suffix: string };

export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterRule[] };

/** A pattern uses an operator the local mapping does not implement, so it cannot filter as Lambda would. */
export class UnsupportedFilterRuleError extends Error {
  constructor(rule: unknown) {
    super(`Filter rule ${JSON.stringify(rule)} is not one the local event source mapping implements (exact values, equals-ignore-case, prefix, suffix)`);
    this.name = 'UnsupportedFilterRuleError';
  }
}

// Lambda matches strings character by character, without folding, except where a rule asks for it.
const STRING_RULES: Record<string, (actual: string, operand: string) => boolean> = {
  'equals-ignore-case': (actual, operand) => actual.toLowerCase() === operand.toLowerCase(),
  prefix: (actual, operand) => actual.startsWith(operand),
  suffix: (actual, operand) => actual.endsWith(operand),
};

function matchesRule(rule: FilterRule, actual: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return actual === rule;
  const entries = Object.entries(rule);
  const [op, operand] = entries[0] ?? [];
  const test = op === undefined ? undefined : STRING_RULES[op];
  if (entries.length !== 1 || !test || typeof operand !== 'string') throw new UnsupportedFilterRuleError(rule);
  // The string operators never match a number, a boolean or a missing field.
  return typeof actual === 'string' && test(actual, operand);
}

/**
 * The subset of the Lambda/EventBridge pattern language the mapping's
 * filter uses: every key of the pattern must be in the value (AND), and a
 * leaf matches when any of its rules does (OR).
 */
export function matchesFilter(pattern: FilterPattern, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const obj = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = obj[key];
    if (Array.isArray(expected)) return (expected as readonly FilterRule[]).some((rule) => matchesRule(rule, actual));
    return matchesFilter(expected as FilterPattern, actual);
  });
}

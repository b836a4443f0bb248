import { EXECUTION_LOG_TABLE } from '../tables.ts';

/**
 * The event-source-mapping filter: only INSERT and MODIFY records whose new
 * image has `status` FAILED reach the consumer. The CDK stack puts this exact
 * pattern on the mapping and the local poller applies it with
 * `matchesFilter`, so both deliver the same records.
 */
export const FAILED_WRITES_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { NewImage: { [EXECUTION_LOG_TABLE.attributes.status]: { S: [EXECUTION_LOG_TABLE.failedStatus] } } },
} as const;

type Rule = string | number | boolean | { readonly prefix: string };
type Pattern = { readonly [key: string]: Pattern | readonly Rule[] };

const matchesRule = (rule: Rule, actual: unknown): boolean =>
  typeof rule === 'object' ? typeof actual === 'string' && actual.startsWith(rule.prefix) : rule === actual;

/** The subset of the ESM pattern language we use (values and `prefix`): every key must match one listed rule. */
export function matchesFilter(pattern: Pattern, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const obj = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = obj[key];
    if (Array.isArray(expected)) return (expected as readonly Rule[]).some((rule) => matchesRule(rule, actual));
    return matchesFilter(expected as Pattern, actual);
  });
}

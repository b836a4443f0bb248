import { ProvisionedThroughputExceededException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DAY_ENTRY, entryPkOf } from '../../shared/summary/model/day-entry.ts';
import { SUMMARY_TABLE } from '../../shared/summary/model/table.ts';

export interface EntryWriteFault {
  /** Writes of this failure's day entry that were made to fail. */
  failed(pk: string): number;
  /** Writes of this failure's day entry that went through. */
  written(pk: string): number;
}

// The document client hands the item on plain at first and in DynamoDB JSON later; read either.
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S);

/**
 * Makes the PutItem of a failure's day entry into `table` fail the way
 * DynamoDB answers a partition over its throughput, as the SDK surfaces it
 * once its own retries are spent, while `fail(pk)` says so. DynamoDB Local never throttles:
 * this is the one fault injected, on a client of the test's own; every
 * other write, unreadable records included, is real.
 */
export function failEntryWrites(client: DynamoDBClient, table: string, fail: (pk: string) => boolean): EntryWriteFault {
  const failed = new Map<string, number>();
  const written = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; Item?: Record<string, unknown> };
      const isEntry = text(input.Item?.[SUMMARY_TABLE.partitionKey])?.startsWith(DAY_ENTRY.prefix) === true;
      const spk = text(input.Item?.[DAY_ENTRY.attributes.pk]);
      const pk = isEntry ? entryPkOf({ [SUMMARY_TABLE.sortKey]: text(input.Item?.[SUMMARY_TABLE.sortKey]), ...(spk !== undefined ? { [DAY_ENTRY.attributes.pk]: spk } : {}) }) : undefined;
      if (context.commandName !== 'PutItemCommand' || input.TableName !== table || !isEntry || pk === undefined) return next(args);
      if (fail(pk)) {
        failed.set(pk, (failed.get(pk) ?? 0) + 1);
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: { httpStatusCode: 400 },
        });
      }
      const result = await next(args);
      written.set(pk, (written.get(pk) ?? 0) + 1);
      return result;
    },
    { step: 'initialize', name: 'injectEntryThrottle' },
  );
  return { failed: (pk) => failed.get(pk) ?? 0, written: (pk) => written.get(pk) ?? 0 };
}

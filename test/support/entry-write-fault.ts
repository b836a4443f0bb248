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

type WriteInput = { TableName?: string; Item?: Record<string, unknown>; TransactItems?: { Put?: { TableName?: string; Item?: Record<string, unknown> } }[] };

/** The day entry a PutItem, or the transaction that creates or moves an entry, writes into `table`. */
function entryWritten(commandName: string, input: WriteInput, table: string): Record<string, unknown> | undefined {
  const puts =
    commandName === 'PutItemCommand' ? [{ TableName: input.TableName, Item: input.Item }] : commandName === 'TransactWriteItemsCommand' ? (input.TransactItems ?? []).map((t) => t.Put ?? {}) : [];
  return puts.find((p) => p.TableName === table && text(p.Item?.[SUMMARY_TABLE.partitionKey])?.startsWith(DAY_ENTRY.prefix) === true)?.Item;
}

/**
 * Makes the write of a failure's day entry (its PutItem, or the transaction that counts it into its group) into `table` fail the way
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
      const item = entryWritten(context.commandName ?? '', args.input as WriteInput, table);
      const spk = text(item?.[DAY_ENTRY.attributes.pk]);
      const sk = text(item?.[SUMMARY_TABLE.sortKey]);
      const pk = item && sk !== undefined ? entryPkOf({ [SUMMARY_TABLE.sortKey]: sk, ...(spk !== undefined ? { [DAY_ENTRY.attributes.pk]: spk } : {}) }) : undefined;
      if (pk === undefined) return next(args);
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

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { captureRecord } from '../../shared/capture/capture.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { shardOf } from '../../shared/summary/model/day-entry.ts';
import { summaryTableInput } from '../../shared/summary/model/table.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { ensureTable } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';
import { failedWriteRecord } from '../support/stream-record.ts';

/** Every request's write units, as DynamoDB reports them (ReturnConsumedCapacity), by operation; refused requests counted. */
function meterWrites(client: DynamoDBClient): { take(): Record<string, number> } {
  let units: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const op = (context.commandName ?? '').replace(/Command$/, '');
      try {
        const result = await next(args);
        const c = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        for (const one of Array.isArray(c) ? c : c ? [c] : []) units[op] = (units[op] ?? 0) + (one.CapacityUnits ?? 0);
        return result;
      } catch (e) {
        // A write refused by its condition still costs its units; no units come with the error, so this counts requests.
        units[`${op} (refused)`] = (units[`${op} (refused)`] ?? 0) + 1;
        throw e;
      }
    },
    { step: 'initialize', name: 'meterWrites' },
  );
  return {
    take() {
      const out = units;
      units = {};
      return out;
    },
  };
}

/**
 * What one captured failure costs in write units on the new path, measured:
 * the numbers of the cost table. A message of 900 characters, so the entry
 * and the group info (600-character sample) are as large as capture makes
 * them; the group shard item holds counts and times only.
 */
describe('write units of one captured failure, on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig();
    await ensureTable(clients.dynamodb, summaryTableInput(config.summaryTable));
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('a first failure of a group, a later one in a warm container, and a redelivery', async () => {
    const w = dayWindow('2026-11-25', 'UTC');
    const metered = testClients();
    const meter = meterWrites(metered.dynamodb);
    const deps = { store: new SummaryStore(metered.doc, config.summaryTable, config.retentionDays), tz: 'UTC', clock: () => w.end_ms };
    const message = `java.lang.IllegalStateException: ledger is closed\n${'\tat com.acme.batch.JobRunner.run(JobRunner.java:42)\n'.repeat(20)}`;
    const ts = w.start_ms + 1000;
    const shard = shardOf('etl#run-0', ts);
    let i = 1;
    while (shardOf(`etl#run-${i}`, ts + 1000) !== shard) i++;
    const first = failedWriteRecord({ pk: 'etl#run-0', ts, sequence: 1, message });
    const later = failedWriteRecord({ pk: `etl#run-${i}`, ts: ts + 1000, sequence: 2, message });

    await captureRecord(deps, first);
    const cold = meter.take();
    await captureRecord(deps, later);
    const warm = meter.take();
    await captureRecord(deps, later);
    const redelivered = meter.take();
    // DynamoDB Local reports one unit per transaction item where DynamoDB bills two: these are units as Local reports them.
    // Cold: the transaction (entry + group), last and first (refused: the transaction set them), the group info (new), the registry's first (new) and last (refused).
    expect(cold).toEqual({ TransactWriteItems: 2, PutItem: 1, UpdateItem: 1, 'UpdateItem (refused)': 3 });
    // Warm, a later failure of the same group item: the transaction and last; first, the info and the registry are known.
    expect(warm).toEqual({ TransactWriteItems: 2, UpdateItem: 1 });
    // The same record again: the transaction is refused (the entry exists), and the cache skips every update.
    expect(redelivered).toEqual({ 'TransactWriteItems (refused)': 1 });
    // Redelivered to a container that knows nothing: the bounds and the info are tried again and refused, the info left as it was;
    // the registry's last seen moves to this failure, which the first container's hourly refresh had not written.
    const other = { ...deps, store: new SummaryStore(metered.doc, config.summaryTable, config.retentionDays) };
    await captureRecord(other, later);
    expect(meter.take()).toEqual({ 'TransactWriteItems (refused)': 1, 'PutItem (refused)': 1, UpdateItem: 1, 'UpdateItem (refused)': 3 });
    destroyClients(metered);
  });
});

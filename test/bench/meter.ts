import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { itemBytes } from './capacity.ts';

const TYPE_KEYS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS']);

/** True when every value is an attribute value (`{ S: "x" }`), not a plain value a document client made of it. */
function isAttributeMap(item: Record<string, unknown>): item is Record<string, AttributeValue> {
  return Object.values(item).every((v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    const keys = Object.keys(v);
    return keys.length === 1 && TYPE_KEYS.has(keys[0]!);
  });
}

/** Bytes of an item as DynamoDB counts them, whether it arrives as attribute values or already unmarshalled. */
function sizeOf(item: Record<string, unknown>): number {
  return itemBytes(isAttributeMap(item) ? item : marshall(item, { removeUndefinedValues: true }));
}

/** What one Query or Scan response carried. */
export interface PageReading {
  readonly count: number;
  readonly scannedCount: number;
  /** Bytes of the returned items by DynamoDB's item-size rules. */
  readonly itemBytes: number;
  /** Bytes of the HTTP response body. */
  readonly wireBytes: number;
  /** ConsumedCapacity the endpoint reported (DynamoDB Local here). */
  readonly reportedUnits: number;
}

export interface ReadMeter {
  /** Starts recording every Query/Scan page until `stop`. Readings never overlap: one measurement at a time. */
  start(): void;
  stop(): PageReading[];
}

/**
 * Records every Query and Scan page a client (or a document client made from
 * it, which shares its middleware stack) receives: the items sized by AWS's
 * rules, the response bytes and the reported capacity, without touching the
 * code under test.
 */
export function attachReadMeter(client: DynamoDBClient): ReadMeter {
  let pages: PageReading[] | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      if (!pages) return result;
      const out = result.output as {
        Items?: Record<string, unknown>[];
        Count?: number;
        ScannedCount?: number;
        ConsumedCapacity?: { CapacityUnits?: number };
      };
      if (typeof out.Count !== 'number') return result;
      const response = result.response as { headers?: Record<string, string>; body?: unknown };
      const length = Number(response.headers?.['content-length']);
      const items = out.Items ?? [];
      pages.push({
        count: out.Count,
        scannedCount: out.ScannedCount ?? out.Count,
        itemBytes: items.reduce((s, i) => s + sizeOf(i), 0),
        // DynamoDB answers with a Content-Length; the fallback is the JSON it would have sent.
        wireBytes: Number.isFinite(length) ? length : Buffer.byteLength(JSON.stringify(out)),
        reportedUnits: out.ConsumedCapacity?.CapacityUnits ?? 0,
      });
      return result;
    },
    { step: 'build', name: 'benchReadMeter' },
  );
  return {
    start() {
      if (pages) throw new Error('a read measurement is already running');
      pages = [];
    },
    stop() {
      const done = pages ?? [];
      pages = undefined;
      return done;
    },
  };
}

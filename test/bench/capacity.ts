import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's capacity arithmetic as AWS documents it ("Item sizes and formats",
 * "Read/write capacity mode"), so the benchmark can state what a read or a
 * write would cost on AWS whatever the local emulator reports. Pure.
 */

/** One read unit covers up to 4 KB read strongly consistently, or twice that eventually consistently. */
export const READ_UNIT_BYTES = 4096;
/** One write unit covers a standard write of up to 1 KB. */
export const WRITE_UNIT_BYTES = 1024;
/** AWS adds this to every stored item (and index entry) when it bills storage. */
export const STORAGE_OVERHEAD_BYTES = 100;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** Significant digits of a DynamoDB number: sign, point, leading and trailing zeros do not count. */
export function significantDigits(n: string): number {
  const digits = n.replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '');
  const trimmed = digits.replace(/^0+/, '').replace(/0+$/, '');
  return Math.max(1, trimmed.length);
}

/** A number takes about one byte per two significant digits, plus one. */
export function numberBytes(n: string): number {
  return Math.ceil(significantDigits(n) / 2) + 1;
}

/** Bytes of one attribute value, without its name. */
export function attributeValueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberBytes(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if (v.NS !== undefined) return v.NS.reduce((s, x) => s + numberBytes(x), 0);
  if (v.BS !== undefined) return v.BS.reduce((s, x) => s + x.byteLength, 0);
  // A list or map costs 3 bytes, plus 1 per element, plus its elements (and a map's keys).
  if (v.L !== undefined) return 3 + v.L.reduce((s, x) => s + 1 + attributeValueBytes(x), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + utf8(k) + attributeValueBytes(x), 0);
  return 0;
}

/** Size of an item as DynamoDB counts it: each attribute's name plus its value. */
export function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((s, [name, v]) => s + utf8(name) + attributeValueBytes(v), 0);
}

/**
 * Read units of one Query or Scan request: the items it read, added up and
 * rounded up to the next 4 KB; eventually consistent reads cost half.
 */
export function requestReadUnits(bytesRead: number, consistent = false): number {
  const units = Math.max(1, Math.ceil(bytesRead / READ_UNIT_BYTES));
  return consistent ? units : units / 2;
}

/** Read units of a paginated read: each page (each request) is rounded on its own. */
export function pagedReadUnits(pageBytes: readonly number[], consistent = false): number {
  return pageBytes.reduce((s, b) => s + requestReadUnits(b, consistent), 0);
}

/**
 * A Scan reads every item, matching or not, but returns only the matches, so
 * the bytes each page read are not visible to the client. Given the table's
 * total bytes and items and each page's ScannedCount, each page is taken to
 * have read its share of the table at the average item size.
 */
export function scanReadUnits(tableBytes: number, tableItems: number, scannedPerPage: readonly number[], consistent = false): number {
  if (tableItems === 0) return scannedPerPage.length * requestReadUnits(0, consistent);
  const avg = tableBytes / tableItems;
  return pagedReadUnits(scannedPerPage.map((n) => n * avg), consistent);
}

/** Write units of one standard write of an item of this size. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exceptionLineOf, MAX_EXCEPTION_LINE_CHARS } from '../../shared/signature/exception-line.ts';
import { errorSignature, NO_MESSAGE_TEMPLATE, signatureOfTemplate, TEMPLATE_CHARS } from '../../shared/signature/signature.ts';
import { cutMessage, MAX_MESSAGE_CHARS } from '../../shared/capture/entry.ts';
import { itemsForKey } from '../../shared/s3logs/items.ts';
import { multipartEventOf, type MultipartEvent } from '../../shared/s3logs/multipart.ts';
import { parseAccessLogLine } from '../../shared/s3logs/parse-line.ts';
import { evaluateUploads } from '../../shared/s3logs/uploads.ts';
import { errorMessage, generateDay, mulberry32 } from '../../infra/local/demo-data.ts';
import { formatAccessLogLine, generateBackupDay } from '../../infra/local/demo-s3-logs.ts';

// Cases read as a spec: two messages that must fall in one group, two that must not, and the
// exact template of a few. Messages are as jobs, the demo and S3 access logs write them.

const sig = (message: string) => errorSignature(message).signature;

const nodeTrace = (head: string, frames: readonly string[]) => [head, ...frames.map((f) => `    at ${f}`)].join('\n');
const javaTrace = (head: string, frames: readonly string[]) => [head, ...frames.map((f) => `\tat ${f}`)].join('\n');
const pythonTrace = (frames: readonly [file: string, line: number, fn: string, code: string][], last: string) =>
  ['Traceback (most recent call last):', ...frames.flatMap(([file, line, fn, code]) => [`  File "${file}", line ${line}, in ${fn}`, `    ${code}`]), last].join('\n');

const PG_FRAMES_A = ['Pool.query (/var/task/node_modules/pg/lib/client.js:545:17)', 'processBatch (/var/task/src/jobs/run.js:88:11)'];
const PG_FRAMES_B = ['withRetry (/var/task/src/lib/retry.js:19:5)', 'async Promise.all (index 3)', 'handler (/var/task/src/jobs/run.js:140:3)'];
const JAVA_FRAMES_A = ['com.acme.ledger.CloseService.close(CloseService.java:212)', 'com.acme.batch.JobRunner.run(JobRunner.java:57)'];
const JAVA_FRAMES_B = ['com.acme.db.JdbcTemplate.execute(JdbcTemplate.java:388)', 'com.acme.batch.JobRunner.run(JobRunner.java:61)', 'java.base/java.lang.Thread.run(Thread.java:840)'];
const BOTO = 'botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation: Please reduce your request rate.';

const GRACE = 6 * 3_600_000;

/** The failure messages the log ingester writes for the demo's failed backup upload of `date`. */
function demoUploadMessages(date: string): string[] {
  const day = generateBackupDay({ date, tz: 'Europe/Paris' });
  const events = day.requests
    .filter((r) => r.key === day.failedKey)
    .flatMap((r): MultipartEvent[] => {
      const parsed = parseAccessLogLine(formatAccessLogLine(r));
      const event = parsed.ok ? multipartEventOf(parsed.record) : undefined;
      return event ? [event] : [];
    });
  const evaluation = evaluateUploads(events, Date.parse(date) + 2 * 86_400_000, GRACE);
  return itemsForKey(evaluation, { buckets: [], prefixes: [], operations: ['writes'], graceMs: GRACE }).map((i) => i.message);
}

/** The `Message` attribute of the real stream events in test/fixtures (see its SOURCES.md). */
function fixtureMessages(): string[] {
  const file = new URL('../fixtures/dynamodb-stream-events/aws-lambda-developer-guide__with-ddb-md__example-record-event.json', import.meta.url);
  const event = JSON.parse(readFileSync(file, 'utf8')) as { Records: { dynamodb: { NewImage?: { Message?: { S?: string } } } }[] };
  return event.Records.flatMap((r) => (r.dynamodb.NewImage?.Message?.S !== undefined ? [r.dynamodb.NewImage.Message.S] : []));
}

describe('one group: messages that differ only in what varies between occurrences', () => {
  it.each([
    ['ids', 'Order 1234 not found in ledger', 'Order 98765 not found in ledger'],
    ['decimal numbers', 'Disk usage at 91.5% on /data', 'Disk usage at 97.25% on /data'],
    ['negative amounts', 'Balance -42.50 is below the limit', 'Balance -7.00 is below the limit'],
    ['epoch milliseconds', 'event_ts 1796025601123 is older than the retention', 'event_ts 1796112001999 is older than the retention'],
    ['ISO 8601 timestamps', 'Lease expired at 2026-11-30T08:00:01.123Z', 'Lease expired at 2026-12-01T23:59:59+01:00'],
    ['log-style timestamps', '2026-11-30 08:00:01,123 ERROR worker stalled', '2026-12-02 17:45:09,004 ERROR worker stalled'],
    ['access-log timestamps', 'log line at 30/Nov/2026:08:00:01 +0000 is unreadable', 'log line at 01/Dec/2026:00:00:38 +0000 is unreadable'],
    ['RFC 2822 dates', 'Certificate not valid after Mon, 30 Nov 2026 08:00:01 +0000', 'Certificate not valid after Tue, 01 Dec 2026 10:11:12 GMT'],
    ['dates', 'No exchange rates published for 2026-11-30', 'No exchange rates published for 2026-12-01'],
    ['times of day', 'Maintenance window closed at 08:00:01', 'Maintenance window closed at 23:15:40.250'],
    ['IPv4 addresses and ports', 'Connection to 10.0.0.7:5432 timed out after 3000 ms', 'Connection to 10.0.4.12:6432 timed out after 2500 ms'],
    ['IPv6 addresses', 'connect ECONNREFUSED [2001:db8::1]:443', 'connect ECONNREFUSED [fe80::1ff:fe23:4567:890a]:8443'],
    ['e-mail addresses', 'Mailbox full for bob.smith@example.com', 'Mailbox full for ops+alerts@acme.co.uk'],
    ['URLs', 'GET https://api.partner.example/v1/orders/123?page=2 returned 503', 'GET https://api.partner.example/v1/orders/987 returned 503'],
    ['UUIDs', 'Lambda request 123e4567-e89b-12d3-a456-426614174000 timed out', 'Lambda request 9b2f0c1e-77aa-4f0e-b1d2-0c9e8f7a6b5d timed out'],
    ['hashes', 'Checksum mismatch: expected 3f786850e387550fdab836ed7e6dc881de23001b', 'Checksum mismatch: expected 89e6c98d92887913cadf06b2adb97f26cde4849b'],
    ['0x values', 'Segmentation fault at address 0x7ffd5e8c', 'Segmentation fault at address 0x00000000deadbeef'],
    ['S3 request ids', 'PutObject refused, request 8132F75D0BDCFF70', 'PutObject refused, request 7ACC4BE89D0B1F12'],
    ['opaque upload ids', 'upload id AZuxpykAP0uCYhMqW7A5j-u90yfCiKcXuZvZytqDnLc is unknown', 'upload id 83LxWfGxIZny0HHakgUTf4vmgcIYmqXoIvw-Vw9oYYU is unknown'],
    ['durations in any unit', 'Query took 250ms, over the budget', 'Query took 3 minutes, over the budget'],
    ['Go durations', 'context deadline exceeded after 1m30s', 'context deadline exceeded after 2m5.5s'],
    ['quoted values after =', 'Invalid filter user="bob" region=\'eu-west-1\'', 'Invalid filter user="alice-2" region=\'us-east-1\''],
    ['dated S3 keys', 'Upload to s3://acme-backups/2026/11/30/db.tar failed', 'Upload to s3://acme-backups/2026/12/01/db.tar failed'],
    ['dated and numbered path segments', 'Missing /data/exports/2026-11-30/part-0001.csv', 'Missing /data/exports/2026-12-01/part-0042.csv'],
    ['account ids in ARNs', 'arn:aws:iam::123456789012:role/etl is not authorized', 'arn:aws:iam::210987654321:role/etl is not authorized'],
    ['numbered host names', 'Worker ip-10-0-1-17 lost its lease', 'Worker ip-10-0-3-33 lost its lease'],
    ['source positions in the text', 'SyntaxError: /app/src/index.js:10:5: Unexpected token', 'SyntaxError: /app/src/index.js:212: Unexpected token'],
    ['spacing', 'Disk   full\ton /data ', '  Disk full on /data\n'],
    ['nothing at all', '', ' \n\t '],
  ])('%s', (_why, a, b) => {
    expect(errorSignature(a).template).toBe(errorSignature(b).template);
    expect(sig(a)).toBe(sig(b));
  });
});

describe('one group: the same exception, thrown from other frames', () => {
  it.each([
    ['a Node error', nodeTrace('Error: connect ECONNREFUSED 10.0.4.12:5432', PG_FRAMES_A), nodeTrace('Error: connect ECONNREFUSED 10.0.4.9:5432', PG_FRAMES_B)],
    ['a Java exception', javaTrace('java.lang.IllegalStateException: ledger 2026-11 is closed', JAVA_FRAMES_A), javaTrace('java.lang.IllegalStateException: ledger 2026-12 is closed', JAVA_FRAMES_B)],
    [
      'a Java exception with another cause',
      `${javaTrace('java.lang.IllegalStateException: close failed', JAVA_FRAMES_A)}\nCaused by: java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n\t... 12 more`,
      `${javaTrace('java.lang.IllegalStateException: close failed', JAVA_FRAMES_B)}\nCaused by: java.sql.SQLException: connection reset\n\t... 4 more`,
    ],
    [
      'a Python traceback',
      pythonTrace([['/opt/app/io/sink.py', 88, 'write_parquet', 's3.put_object(**kwargs)']], BOTO),
      pythonTrace([['/opt/app/pipeline/run.py', 12, 'main', 'refresh()'], ['/opt/app/features/build.py', 401, 'refresh', 'sink.write(df)'], ['/opt/app/io/sink.py', 90, 'write_parquet', 's3.put_object(**kwargs)']], BOTO),
    ],
    ['a traceback and its bare exception line', pythonTrace([['/opt/app/run.py', 7, 'main', 'parse(row)']], 'ValueError: bad row 17'), 'ValueError: bad row 4812'],
    ['a trace cut inside a frame', nodeTrace('TypeError: Cannot read properties of undefined', PG_FRAMES_A), `${nodeTrace('TypeError: Cannot read properties of undefined', PG_FRAMES_B)}\n    at Runner.exec`],
    ['a message of the demo, with other frames', ...demoKind('TimeoutError', 2)],
    ['a demo traceback, with other frames', ...demoKind('Traceback', 2)],
    ['a demo Java trace, with other frames', ...demoKind('java.sql', 2)],
  ])('%s', (_why, a, b) => {
    expect(errorSignature(a).template).toBe(errorSignature(b).template);
  });

  it("the demo's failed backup upload: each failed part, the upload itself, and the next night's upload", () => {
    const [part37, part38, part88, upload] = demoUploadMessages('2026-11-25');
    const nextNight = demoUploadMessages('2026-11-26');
    expect(new Set([part37, part38, part88, nextNight[0]].map((m) => sig(m!))).size).toBe(1);
    expect(sig(upload!)).toBe(sig(nextNight[3]!));
    // The upload's own item says something else than a failed part's.
    expect(sig(upload!)).not.toBe(sig(part37!));
  });

  it('a short message signs the same from its stored head as from the message', () => {
    const rng = mulberry32(11);
    const short = Array.from({ length: 50 }, () => errorMessage(rng, 'crm-import')).filter((m) => m.length <= MAX_MESSAGE_CHARS);
    expect(short.length).toBeGreaterThan(5);
    for (const message of short) expect(sig(cutMessage(message))).toBe(sig(message));
  });
});

describe('apart: different errors', () => {
  it.each([
    ['exception types with one text', 'ValueError: bad row 17', 'KeyError: bad row 17'],
    ['Java exception types', 'java.lang.IllegalStateException: ledger closed', 'java.lang.IllegalArgumentException: ledger closed'],
    ['Node error codes', 'Error: connect ECONNREFUSED 10.0.4.12:5432', 'Error: connect ETIMEDOUT 10.0.4.12:5432'],
    ['texts', 'Disk full on /data', 'Disk full on /logs'],
    ['Python tracebacks through the same frames', pythonTrace([['/opt/app/run.py', 7, 'main', 'parse(row)']], 'ValueError: bad row'), pythonTrace([['/opt/app/run.py', 7, 'main', 'parse(row)']], 'KeyError: row')],
    ['Java traces with the same cause', `java.lang.IllegalStateException: close failed\n\tat ${JAVA_FRAMES_A[0]}\nCaused by: java.io.IOException: x`, `java.io.UncheckedIOException: close failed\n\tat ${JAVA_FRAMES_A[0]}\nCaused by: java.io.IOException: x`],
    ['S3 error codes', 'backup.tar: PUT failed (503 SlowDown). Request 8132F75D0BDCFF70.', 'backup.tar: PUT failed (403 AccessDenied). Request 8132F75D0BDCFF70.'],
    ['S3 keys without dates', 'Upload to s3://acme-backups/db.tar failed', 'Upload to s3://acme-backups/config.tar failed'],
    ['host names', 'Connection to db-primary.internal refused', 'Connection to db-replica.internal refused'],
    ['digits that belong to a name', 'Unsupported architecture x86_64', 'Unsupported architecture arm64'],
    ['quoted text not after =', 'Unknown column "email"', 'Unknown column "phone"'],
    ['a socket path and an address', 'Error: connect ECONNREFUSED /tmp/.s.PGSQL.5432', 'Error: connect ECONNREFUSED 10.0.4.12:5432'],
    ['counts and durations', 'Gave up after 3 retries', 'Gave up after 3 minutes'],
    ['a message and none', 'Error', ''],
    ['the real stream events', ...(fixtureMessages() as [string, string])],
  ])('%s', (_why, a, b) => {
    expect(errorSignature(a).template).not.toBe(errorSignature(b).template);
    expect(sig(a)).not.toBe(sig(b));
  });

  it("the demo's seven kinds of error are seven groups in each process, and none is known by a traceback's first line", () => {
    const items = generateDay({ date: '2026-11-20', tz: 'Europe/Paris' }).filter((i) => i.status === 'FAILED');
    const byProcess = new Map<string, Set<string>>();
    for (const i of items) {
      const { template } = errorSignature(i.message ?? '');
      expect(template).not.toMatch(/^Traceback/);
      const process = i.pk.split('#')[0]!;
      byProcess.set(process, (byProcess.get(process) ?? new Set()).add(template));
    }
    expect(items.length).toBeGreaterThan(100);
    for (const [process, templates] of byProcess) expect(templates.size, process).toBeLessThanOrEqual(7);
    expect(Math.max(...[...byProcess.values()].map((t) => t.size))).toBe(7);
  });
});

describe('templates', () => {
  it.each([
    ['Connection to 10.0.0.7:5432 timed out after 3000 ms', 'Connection to <ip>:<int> timed out after <duration>'],
    [
      'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      'java.sql.SQLTransientConnectionException: HikariPool-<int> - Connection is not available, request timed out after <duration>.',
    ],
    ['ValidationError: input row 4812 has an invalid currency code "XX1" (expected ISO 4217)', 'ValidationError: input row <int> has an invalid currency code "XX1" (expected ISO <int>)'],
    [
      'Upload to s3://acme-backups/2026/11/30/db.tar failed at 2026-11-30T08:00:01Z for ops@acme.example (user="bob", retry=true)',
      'Upload to s3://acme-backups/<date>/db.tar failed at <timestamp> for <email> (user=<quoted>, retry=<bool>)',
    ],
    ['Segfault in worker 7 at 0x7ffd5e8c (build 3f786850e387550f) after 1.5 s', 'Segfault in worker <int> at <hex> (build <hex>) after <duration>'],
    ['Lambda 123e4567-e89b-12d3-a456-426614174000 on 2001:db8:85a3::8a2e:370:7334 at Mon, 30 Nov 2026 08:00:01 +0000', 'Lambda <uuid> on <ip> at <timestamp>'],
    ['  File "/opt/app/io/sink.py", line 42, in write_parquet', 'File "/opt/app/io/sink.py", line <line>, in write_parquet'],
    ['    at processBatch (/var/task/src/jobs/run.js:10:5)', 'at processBatch (/var/task/src/jobs/run.js:<line>)'],
    ['', NO_MESSAGE_TEMPLATE],
  ])('%j → %j', (message, template) => {
    expect(errorSignature(message).template).toBe(template);
  });

  it('of a demo traceback: its last line', () => {
    expect(errorSignature(demoKind('Traceback', 1)[0]).template).toBe(BOTO);
  });

  it("of the demo's failed backup part", () => {
    expect(errorSignature(demoUploadMessages('2026-11-25')[0]!).template).toBe(
      'recordings/backup-<date>.tar: <int> of <int> parts failed (SlowDown), upload never completed. This request: REST.PUT.PART <int> SlowDown, part <int>, upload id <id>, request <hex>.',
    );
  });

  it(`is cut to ${TEMPLATE_CHARS} characters, never inside a placeholder, and signed as cut`, () => {
    const long = errorSignature(`Error: ${'word '.repeat(38)}${'1234 '.repeat(20)}`);
    expect(long.template.length).toBeLessThanOrEqual(TEMPLATE_CHARS);
    expect(long.template).toMatch(/(?:<int>|word) ?…$/);
    expect(long.signature).toBe(signatureOfTemplate(long.template));
    const huge = errorSignature(`RangeError: ${'x'.repeat(300_000)}`);
    expect(huge.template.length).toBeLessThanOrEqual(TEMPLATE_CHARS);
    expect(huge.exceptionLine.length).toBeLessThanOrEqual(MAX_EXCEPTION_LINE_CHARS);
  });

  it('is signed by 16 hex digits of its SHA-256, which must not change: stored entries carry it', () => {
    expect(signatureOfTemplate('Connection to <ip>:<int> timed out after <duration>')).toBe('ddb84e38331db6cb');
    expect(sig('Connection to 10.0.0.7:5432 timed out after 3000 ms')).toBe('ddb84e38331db6cb');
  });
});

describe('the exception line', () => {
  it.each([
    ['the last line of a Python traceback', pythonTrace([['/opt/app/run.py', 7, 'main', 'parse(row)']], 'ValueError: bad'), 'ValueError: bad'],
    [
      'the last exception of chained Python tracebacks',
      `${pythonTrace([['/opt/app/run.py', 7, 'main', 'parse(row)']], 'KeyError: row')}\n\nDuring handling of the above exception, another exception occurred:\n\n${pythonTrace([['/opt/app/run.py', 9, 'main', 'raise']], 'RuntimeError: parse failed')}\n`,
      'RuntimeError: parse failed',
    ],
    ['the header of a traceback cut before its end', 'Traceback (most recent call last):\n  File "/opt/app/run.py", line 7, in main', 'Traceback (most recent call last):'],
    ['the first line of a Node trace', nodeTrace('Error: connect ECONNREFUSED 10.0.4.12:5432', PG_FRAMES_A), 'Error: connect ECONNREFUSED 10.0.4.12:5432'],
    ['the first exception of a Java trace with causes', `${javaTrace('java.lang.IllegalStateException: close failed', JAVA_FRAMES_A)}\nCaused by: java.io.IOException: reset\n\t... 3 more`, 'java.lang.IllegalStateException: close failed'],
    ['the exception of a thread', javaTrace('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space', JAVA_FRAMES_A), 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'],
    ['the exception after a lead-in line', javaTrace('Job ledger-close failed\njava.lang.IllegalStateException: ledger closed', JAVA_FRAMES_A), 'java.lang.IllegalStateException: ledger closed'],
    ['the text of a plain message, its lines joined', 'Export failed\nrows written: 0', 'Export failed rows written: 0'],
    ['the text without frames pasted into it', 'KeyError: row\n  File "/opt/app/run.py", line 7, in main', 'KeyError: row'],
    ['a lone frame, when that is all there is', '    at processBatch (/var/task/src/jobs/run.js:10:5)', 'at processBatch (/var/task/src/jobs/run.js:10:5)'],
    ['nothing, for a message with no text', '  \n ', ''],
  ])('%s', (_why, message, line) => {
    expect(exceptionLineOf(message)).toBe(line);
  });
});

/** Two demo messages of one kind (`TimeoutError`, `Traceback`, `java.sql`, ...) with different frames. */
function demoKind(prefix: string, count: 1): [string];
function demoKind(prefix: string, count: 2): [string, string];
function demoKind(prefix: string, count: number): string[] {
  const rng = mulberry32(20261120);
  const found: string[] = [];
  while (found.length < count) {
    const message = errorMessage(rng, 'ml-feature-refresh');
    if (message.startsWith(prefix) && !found.some((m) => m.split('\n').length === message.split('\n').length)) found.push(message);
  }
  return found;
}

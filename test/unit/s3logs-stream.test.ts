import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseLogStream, type ParsedLine } from '../../shared/s3logs/read-lines.ts';
import { formatAccessLogLine, type GeneratedRequest } from '../../infra/local/demo-s3-logs.ts';
import { tempDirForTest } from '../support/temp-dir.ts';

const T0 = Date.parse('2026-11-25T01:45:00Z');

function request(i: number): GeneratedRequest {
  const key = `recordings/2026/11/25/backup-${i % 97}.tar`;
  return {
    bucket: 'acme-backup-vault',
    ts: T0 + i * 1000,
    operation: 'REST.PUT.PART',
    key,
    requestUri: `PUT /${key}?partNumber=${(i % 10_000) + 1}&uploadId=${'u'.repeat(80)} HTTP/1.1`,
    status: i % 1000 === 0 ? 503 : 200,
    ...(i % 1000 === 0 ? { errorCode: 'SlowDown' } : {}),
    objectSize: 67_108_864,
    totalMs: 9_400,
    turnAroundMs: 31,
  };
}

async function collect(source: Readable): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const p of parseLogStream(source)) out.push(p);
  return out;
}

describe('parseLogStream', () => {
  const lines = [0, 1, 2].map((i) => formatAccessLogLine(request(i)));

  it('numbers lines as an editor does, skips blank ones and reports a malformed one without stopping', async () => {
    const text = `${lines[0]}\r\n\nnot a log line\r\n${lines[1]}\n${lines[2]}`;
    const parsed = await collect(Readable.from([Buffer.from(text)]));
    expect(parsed.map((p) => [p.lineNumber, p.result.ok])).toEqual([
      [1, true],
      [3, false],
      [4, true],
      [5, true],
    ]);
  });

  it('reads lines split across chunks at any byte, multi-byte characters included', async () => {
    const text = `${lines[0]}\n${lines[1]!.replace('aws-sdk-java', 'aws-sdk-jäva-ü')}\n`;
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const parsed = await collect(Readable.from(chunks));
    expect(parsed.every((p) => p.result.ok)).toBe(true);
    expect(parsed[1]!.result.ok && parsed[1]!.result.record.user_agent).toContain('aws-sdk-jäva-ü');
  });

  it('gunzips by the magic bytes, whatever the name, and reads plain text as it is', async () => {
    const dir = await tempDirForTest('s3logs-');
    const text = `${lines.join('\n')}\n`;
    await writeFile(join(dir, '2026-11-25-02-17-03-5A1B9C3D4E5F6071'), gzipSync(text)); // S3's naming: no extension
    await writeFile(join(dir, 'plain.log.gz'), text); // an extension that lies
    for (const name of ['2026-11-25-02-17-03-5A1B9C3D4E5F6071', 'plain.log.gz']) {
      const parsed = await collect(createReadStream(join(dir, name)));
      expect(parsed.map((p) => p.result.ok && p.result.record.request_id)).toEqual(
        lines.map((l) => l.split(' ')[6]),
      );
    }
  });

  it('reads a gzip stream whose first chunk is a single byte, and concatenated gzip members', async () => {
    const gz = Buffer.concat([gzipSync(`${lines[0]}\n`), gzipSync(`${lines[1]}\n`)]);
    const parsed = await collect(Readable.from([gz.subarray(0, 1), gz.subarray(1)]));
    expect(parsed).toHaveLength(2);
    expect(parsed.every((p) => p.result.ok)).toBe(true);
  });

  it('reads an empty object as no lines', async () => {
    expect(await collect(Readable.from([]))).toEqual([]);
    expect(await collect(Readable.from([gzipSync('')]))).toEqual([]);
  });

  it('fails on a corrupt gzip object instead of reporting half of it as complete', async () => {
    const gz = gzipSync(`${lines.join('\n')}\n`);
    const corrupt = Buffer.concat([gz.subarray(0, 20), Buffer.from('not deflate data at all')]);
    await expect(collect(Readable.from([corrupt]))).rejects.toThrow();
  });

  it('closes the source when the reader stops early', async () => {
    const source = Readable.from(lines.map((l) => Buffer.from(`${l}\n`)));
    for await (const p of parseLogStream(source)) {
      expect(p.lineNumber).toBe(1);
      break;
    }
    expect(source.destroyed).toBe(true);
  });

  it('parses tens of megabytes, plain and gzipped, in bounded memory', async () => {
    const TOTAL = 120_000; // about 60 MB of log lines
    let bytes = 0;
    const generate = function* () {
      for (let i = 0; i < TOTAL; i++) {
        const chunk = Buffer.from(`${formatAccessLogLine(request(i))}\n`);
        bytes += chunk.length;
        yield chunk;
      }
    };
    for (const gzip of [false, true]) {
      globalThis.gc?.();
      // Buffers live outside the heap: count them too, or a reader holding the input would pass.
      const used = () => {
        const m = process.memoryUsage();
        return m.heapUsed + m.arrayBuffers;
      };
      const before = used();
      let peak = before;
      let records = 0;
      let failed = 0;
      bytes = 0;
      const plain = Readable.from(generate());
      const source = gzip ? plain.pipe(createGzip()).pipe(new PassThrough()) : plain;
      for await (const { result } of parseLogStream(source)) {
        if (!result.ok) throw new Error(result.reason);
        records += 1;
        if (result.record.failed) failed += 1;
        if (records % 10_000 === 0) peak = Math.max(peak, used());
      }
      expect(records).toBe(TOTAL);
      expect(failed).toBe(TOTAL / 1000);
      expect(bytes).toBeGreaterThan(50 * 1024 * 1024);
      // Loose: holding the input would take the whole 60 MB or more; streaming stays far below.
      expect(peak - before).toBeLessThan(48 * 1024 * 1024);
    }
  }, 120_000);
});

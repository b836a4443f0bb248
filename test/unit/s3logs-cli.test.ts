import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { tempDirForTest } from '../support/temp-dir.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/s3-access-logs/lines.log', import.meta.url));

describe('failure-digest s3-logs parse', () => {
  it('prints one JSON object per record with the documented fields', async () => {
    const run = await runCli('s3-logs', 'parse', FIXTURE);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(57);
    const first = JSON.parse(run.out[0]!);
    expect(first).toMatchObject({
      bucket: 'awsexamplebucket1',
      time: '2019-02-06T00:00:38.000Z',
      remote_ip: '192.0.2.3',
      request_id: '3E57427F3EXAMPLE',
      operation: 'REST.GET.VERSIONING',
      key: null,
      request_uri: 'GET /awsexamplebucket1?versioning HTTP/1.1',
      http_status: 200,
      error_code: null,
      bytes_sent: 113,
      object_size: null,
      total_time_ms: 7,
      turn_around_ms: null,
      referrer: null,
      user_agent: 'S3Console/0.4',
      version_id: null,
      failed: false,
    });
    expect(run.err).toEqual(['57 records, 0 malformed lines']);
  });

  it('reads gzip, filters failures, and reports malformed lines with their number (exit 3)', async () => {
    const dir = await tempDirForTest('s3-parse-');
    const lines = (await readFile(FIXTURE, 'utf8')).split('\n');
    const file = join(dir, 'mixed');
    await writeFile(file, gzipSync([lines[0], 'garbage here', lines[1], ''].join('\n')));
    const run = await runCli('s3-logs', 'parse', '--failed', file);
    expect(run.code).toBe(3);
    expect(run.out.map((l) => JSON.parse(l).request_id)).toEqual(['A1206F460EXAMPLE']);
    expect(JSON.parse(run.err[0]!)).toEqual({ line: 2, reason: expect.stringMatching(/does not start with/) });
    expect(run.err[1]).toBe('2 records, 1 malformed line');
  });

  it('says which file it cannot read (exit 2)', async () => {
    const run = await runCli('s3-logs', 'parse', '/no/such/file.log');
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toMatch(/Cannot read \/no\/such\/file\.log: ENOENT/);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, parseAccessLogLine } from '../../shared/s3logs/parse-line.ts';
import type { AccessLogRecord, LineParse } from '../../shared/s3logs/record.ts';
import { recordJson } from '../../infra/cli/s3-logs.ts';

const FIXTURES = new URL('../fixtures/s3-access-logs/', import.meta.url);
const linesOf = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8').split('\n').filter((l) => l !== '');
const REAL = linesOf('lines.log');
const DERIVED = linesOf('lines-derived.log');
const EXPECTED = linesOf('expected.jsonl').map((l) => JSON.parse(l) as Record<string, unknown>);

function record(result: LineParse): AccessLogRecord {
  if (!result.ok) throw new Error(`expected a record, got: ${result.reason}`);
  return result.record;
}
const parse = (line: string) => record(parseAccessLogLine(line));

// The documented field names the CLI prints; expected.jsonl uses the same ones.
const DOCUMENTED = [
  'bucket', 'time', 'remote_ip', 'requester', 'request_id', 'operation', 'key', 'request_uri', 'http_status', 'error_code',
  'bytes_sent', 'object_size', 'total_time_ms', 'turn_around_ms', 'referrer', 'user_agent', 'version_id', 'failed',
] as const;

/** Today's full format, 27 fields, every one given. */
const FULL =
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ' +
  '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - ' +
  '"GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - ' +
  's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader ' +
  'amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes us-east-1';

describe('parseAccessLogLine on real records of every age', () => {
  it('has the 57 real and 5 derived records and their expected parses', () => {
    expect(REAL).toHaveLength(57);
    expect(DERIVED).toHaveLength(5);
    expect(EXPECTED).toHaveLength(62);
  });

  it.each([...REAL, ...DERIVED].map((line, i) => [i + 1, line] as const))('record %i gives exactly the expected fields', (i, line) => {
    const parsed = recordJson(parse(line));
    const expected = EXPECTED[i - 1]!;
    expect(Object.keys(expected).sort()).toEqual([...DOCUMENTED].sort());
    const got = Object.fromEntries(DOCUMENTED.map((f) => [f, parsed[f]]));
    expect(got).toEqual(expected);
  });

  it('prints the documented fields first, in their documented order, then the later fields', () => {
    const keys = Object.keys(recordJson(parse(FULL)));
    expect(keys.slice(0, DOCUMENTED.length)).toEqual([...DOCUMENTED]);
    expect(keys.slice(DOCUMENTED.length)).toEqual([
      'bucket_owner', 'host_id', 'signature_version', 'cipher_suite', 'authentication_type', 'host_header', 'tls_version',
      'access_point_arn', 'acl_required', 'source_region',
    ]);
  });
});

describe('parseAccessLogLine, field by field', () => {
  it('reads every field of the current 27-field format', () => {
    expect(parse(FULL)).toEqual({
      bucket_owner: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      bucket: 'amzn-s3-demo-bucket1',
      time: '2019-02-06T00:00:38.000Z',
      remote_ip: '192.0.2.3',
      requester: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      request_id: '3E57427F3EXAMPLE',
      operation: 'REST.GET.VERSIONING',
      key: null,
      request_uri: 'GET /amzn-s3-demo-bucket1?versioning HTTP/1.1',
      http_status: 200,
      error_code: null,
      bytes_sent: 113,
      object_size: null,
      total_time_ms: 7,
      turn_around_ms: null,
      referrer: null,
      user_agent: 'S3Console/0.4',
      version_id: null,
      host_id: 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=',
      signature_version: 'SigV4',
      cipher_suite: 'ECDHE-RSA-AES128-GCM-SHA256',
      authentication_type: 'AuthHeader',
      host_header: 'amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com',
      tls_version: 'TLSV1.2',
      access_point_arn: 'arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP',
      acl_required: 'Yes',
      source_region: 'us-east-1',
      failed: false,
    });
  });

  it('reads lines of every length: 17 fields (ends at the user agent) and 18 (ends at the version id)', () => {
    const ua17 = parse(REAL[45]!);
    expect(ua17).toMatchObject({ user_agent: expect.stringMatching(/^Mozilla\/5\.0 .*Safari\/535\.11$/), version_id: null, host_id: null });
    const v18 = parse(REAL[6]!);
    expect(v18).toMatchObject({ user_agent: 'S3Console/0.4', version_id: null, host_id: null, tls_version: null });
  });

  it('applies the bracketed offset to give UTC', () => {
    expect(parse(REAL[45]!).time).toBe('2012-02-10T21:42:07.000Z'); // -0500
    expect(parse(FULL.replace('+0000', '+0130')).time).toBe('2019-02-05T22:30:38.000Z');
  });

  it('keeps a trailing space, a two-token host id and CRLF from shifting fields', () => {
    expect(parse(REAL[4]!)).toMatchObject({ acl_required: 'Yes', access_point_arn: null });
    const twoTokens = parse(REAL[26]!);
    expect(twoTokens.host_id).toBe('AIDAISBTTLPGXGH6YFFAY LzYGhqEwXn5Xiuil9tI6JtK2PiIo+SC6Ute3Isq2qEmt/t0Z7qFkyD0mp1ZIc43bm0qSX4tBbbc=');
    expect(twoTokens).toMatchObject({ signature_version: 'SigV4', tls_version: 'TLSv1.2', access_point_arn: null });
    expect(parse(`${FULL}\r`)).toEqual(parse(FULL));
  });

  it('reads quoted fields with spaces and unescaped quotes inside', () => {
    const json = parse(REAL[30]!);
    expect(json.user_agent).toMatch(/^pip\/19\.1 \{"ci":null,.*"system":\{"name":"Linux","release":"3\.10\.0-514\.10\.2\.el7\.x86_64"\}\}$/);
    const scanner = parse(REAL[47]!);
    expect(scanner.request_uri).toContain('"xinba"');
    expect(scanner.referrer).toContain('explode(".","hello.ass.world.er.t")');
    expect(scanner.user_agent).toBe('Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)');
    expect(parse(REAL[46]!).user_agent?.startsWith('"Mozilla/5.0')).toBe(true);
  });

  it('makes "-" null, bare or quoted, and a "-" status null and not failed', () => {
    const expire = parse(REAL[55]!);
    expect(expire).toMatchObject({ remote_ip: null, request_uri: null, http_status: null, referrer: null, user_agent: null, failed: false });
    expect(expire.version_id).toBe('qsEq9bDa2VyxyZ4cz0c7oBnF67VYTTij');
    expect(parse(REAL[21]!)).toMatchObject({ request_uri: null, http_status: null, bytes_sent: null, total_time_ms: null });
  });

  it('reads sizes beyond 32 bits exactly', () => {
    expect(parse(REAL[30]!)).toMatchObject({ bytes_sent: 9_898_557_440, object_size: 11_674_111_891 });
    expect(parse(REAL[46]!).object_size).toBe(422_868_123_111);
  });

  it('keeps keys and URIs as logged, URL-encoded', () => {
    const encoded = parse(REAL[29]!);
    expect(encoded.key).toBe('SRR12318371/run2249_lane2_read2_indexN703%253DDropSeq_Potter_BrainWT_8_17_17_N703.fastq.gz.1');
    expect(encoded.request_uri).toContain('%3DDropSeq');
    expect(parse(REAL[56]!).key).toBe('Screen+Shot+2019-09-09+at+9.08.44+AM.png');
  });

  it('reads IPv6 remote addresses (dual-stack requests)', () => {
    for (const ip of ['2001:db8:85a3::8a2e:370:7334', '::1', '2600:1f18:24e6:b900:5c5d:4a2b:a3e0:14f8', '::ffff:192.0.2.128']) {
      expect(parse(FULL.replace(' 192.0.2.3 ', ` ${ip} `)).remote_ip).toBe(ip);
    }
  });

  it('marks 4xx and 5xx as failed, but not a 3xx that carries an error code', () => {
    expect(parse(DERIVED[0]!)).toMatchObject({ operation: 'REST.PUT.PART', http_status: 503, error_code: 'SlowDown', failed: true });
    expect(parse(REAL[9]!)).toMatchObject({ http_status: 307, error_code: 'TemporaryRedirect', failed: false });
  });

  it('ignores fields a newer format may append', () => {
    expect(parse(`${FULL} some-future-field another`)).toMatchObject({ source_region: 'us-east-1', tls_version: 'TLSV1.2' });
  });
});

describe('parseAccessLogLine on malformed lines', () => {
  const reason = (line: string) => {
    const r = parseAccessLogLine(line);
    if (r.ok) throw new Error('expected a malformed line');
    return r.reason;
  };

  it('says why and never throws', () => {
    expect(reason('')).toMatch(/does not start with/);
    expect(reason('hello world')).toMatch(/does not start with/);
    expect(reason(FULL.replace('[06/Feb/2019', '[31/Feb/2019'))).toMatch(/invalid time/);
    expect(reason(FULL.replace('/Feb/', '/Fbr/'))).toMatch(/does not start with|invalid time/);
    expect(reason(FULL.replace(' 200 - 113 ', ' 200 - many '))).toMatch(/after the key/);
    expect(reason(FULL.replace('"GET ', 'GET '))).toMatch(/after the key/);
  });

  it('refuses a truncated record that ran into the next one', () => {
    // Seen in the wild: a record cut after the remote IP, then a whole record on the same line.
    expect(parseAccessLogLine(`${FULL.slice(0, 120)} ${FULL}`).ok).toBe(false);
    expect(parseAccessLogLine(FULL.slice(0, 200)).ok).toBe(false);
  });

  // Lines full of quotes exercise the quote matching: it must end (the test timeout guards it).
  it('refuses an absurdly long line, and lines full of quote candidates', () => {
    const long = `${FULL.slice(0, 200)}"${'"x" 200 '.repeat(MAX_LINE_CHARS / 8)}`;
    expect(parseAccessLogLine(long)).toEqual({ ok: false, reason: `line longer than ${MAX_LINE_CHARS} characters` });
    const many = `${FULL.slice(0, 230)}"${'a" 2 '.repeat(5000)}`;
    expect(parseAccessLogLine(many).ok).toBe(false);
  });
});

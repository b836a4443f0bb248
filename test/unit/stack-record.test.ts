import { describe, expect, it } from 'vitest';
import { describeHolder, parseProcNetTcp } from '../../infra/local/port-holders.ts';
import {
  defaultRecordDir,
  leftoverLine,
  parseStackRecord,
  planLeftover,
  StackRecordError,
  type StackRecord,
} from '../../infra/local/stack-record.ts';

// Lines as Linux prints them: a listener on 127.0.0.1:8005, an established connection, one on 0.0.0.0:8000.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F45 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9BAC 0100007F:1F40 01 00000000:00000000 00:00000000 00000000     0        0 5151 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6363 1 0000000000000000 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7070 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F45 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 8080 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F41 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9090 1 0000000000000000 100 0 0 10 0
   3: 000080FE00000000FF005452AAAAAAAA:1F42 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9191 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  it('lists only listening sockets, with address, port, uid and inode', () => {
    expect(parseProcNetTcp(TCP, 4)).toEqual([
      { address: '127.0.0.1', port: 8005, uid: 1000, inode: 4242 },
      { address: '0.0.0.0', port: 8000, uid: 0, inode: 6363 },
    ]);
  });

  it('reads IPv6 words little-endian: [::], [::1], v4-mapped and a link-local address', () => {
    expect(parseProcNetTcp(TCP6, 6).map((l) => [l.address, l.port])).toEqual([
      ['::', 8000],
      ['::1', 8005],
      ['::ffff:127.0.0.1', 8001],
      ['fe80::5254:ff:aaaa:aaaa', 8002],
    ]);
  });

  it('ignores an empty table and stray lines', () => {
    expect(parseProcNetTcp('', 4)).toEqual([]);
    expect(parseProcNetTcp('header\n\n  garbage\n', 6)).toEqual([]);
  });
});

describe('describeHolder', () => {
  it('names the pid, the command line and the address', () => {
    expect(describeHolder({ pid: 12, command: 'node server.js', address: '0.0.0.0' })).toBe('pid 12 (node server.js) on 0.0.0.0');
    expect(describeHolder({ pid: 12, address: '::' })).toBe('pid 12 on [::]');
  });

  it('says what it can of a holder this user cannot see', () => {
    expect(describeHolder({ uid: 0, address: '127.0.0.1' })).toBe('a process this user cannot see (uid 0) on 127.0.0.1');
    expect(describeHolder({})).toBe('a process this user cannot see');
  });

  it('shortens a long command line', () => {
    const text = describeHolder({ pid: 1, command: `java ${'x'.repeat(400)}` });
    expect(text.length).toBeLessThan(180);
    expect(text).toMatch(/…\)$/);
  });
});

describe('defaultRecordDir', () => {
  it('prefers the per-user runtime dir, else a folder of the uid in the temp dir', () => {
    expect(defaultRecordDir({ xdgRuntimeDir: '/run/user/1000', tmpdir: '/tmp', uid: 1000 })).toBe('/run/user/1000/failure-digest');
    expect(defaultRecordDir({ xdgRuntimeDir: '', tmpdir: '/tmp', uid: 1000 })).toBe('/tmp/failure-digest-1000');
    expect(defaultRecordDir({ tmpdir: '/var/tmp', uid: 0 })).toBe('/var/tmp/failure-digest-0');
  });
});

const RECORD: StackRecord = {
  version: 1,
  pid: 100,
  command: 'node infra/bin/failure-digest.js start',
  startedAt: '2026-12-01T08:00:00.000Z',
  ports: { dynamodb: 8000, ses: 8005 },
  dataDir: null,
  processes: [
    { role: 'dynamodb-local', pid: 101, pgid: 101, command: 'java -jar DynamoDBLocal.jar -port 8000' },
    { role: 'watcher', pid: 102, pgid: 102, command: '/bin/sh -c … failure-digest-watch 101' },
  ],
};

describe('parseStackRecord', () => {
  it('reads back what is written', () => {
    expect(parseStackRecord('f.json', JSON.stringify(RECORD))).toEqual(RECORD);
  });

  it.each([
    ['{', 'not JSON'],
    [JSON.stringify({ ...RECORD, version: 2 }), 'version'],
    [JSON.stringify({ ...RECORD, processes: [{ role: 'x', pid: -1, pgid: 1, command: '' }] }), 'processes.0.pid'],
  ])('refuses %s, saying what to do', (text, reason) => {
    expect(() => parseStackRecord('/run/f.json', text)).toThrow(StackRecordError);
    expect(() => parseStackRecord('/run/f.json', text)).toThrow(new RegExp(`^/run/f\\.json is not a stack record .*${reason}.*remove it and start again$`));
  });
});

describe('planLeftover', () => {
  const running = (table: Record<number, string>) => (pid: number) => table[pid];

  it('leaves a stack whose owner still runs its command line alone', () => {
    expect(planLeftover(RECORD, running({ 100: RECORD.command, 101: RECORD.processes[0]!.command }))).toEqual({ state: 'running' });
  });

  it('stops what a dead owner left running', () => {
    const plan = planLeftover(RECORD, running({ 101: RECORD.processes[0]!.command }));
    expect(plan).toEqual({ state: 'ended', stop: [RECORD.processes[0]], gone: [RECORD.processes[1]] });
  });

  it('treats an owner pid that now runs something else as dead, and never stops a reused pid', () => {
    const plan = planLeftover(RECORD, running({ 100: 'bash', 101: 'vim notes.txt', 102: RECORD.processes[1]!.command }));
    expect(plan).toEqual({ state: 'ended', stop: [RECORD.processes[1]], gone: [RECORD.processes[0]] });
  });
});

describe('leftoverLine', () => {
  it('names the earlier start and what was stopped', () => {
    expect(leftoverLine(RECORD, [RECORD.processes[0]!])).toBe(
      'start: an earlier start (pid 100, started 2026-12-01T08:00:00.000Z, ports 8000 and 8005) ended without stopping; stopped what it left running: DynamoDB Local (pid 101)',
    );
    expect(leftoverLine(RECORD, [])).toMatch(/ended without stopping; nothing of it was still running$/);
  });
});

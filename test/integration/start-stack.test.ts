import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, inject } from 'vitest';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { assertPortServedBy, PortNotOursError } from '../../infra/local/port-check.ts';
import { processCommand } from '../../infra/local/port-holders.ts';
import { startSesLocal } from '../../infra/local/ses-local.ts';
import { parseStackRecord, type StackRecord } from '../../infra/local/stack-record.ts';
import { bareEnv, leftoverProcesses, MARKER, runBinary, type BinaryRun } from '../support/binary.ts';
import { tempDirForTest } from '../support/temp-dir.ts';

const lines = (text: string) => text.split('\n').filter(Boolean);
const holders = new Set<ChildProcess>();
/** Every Java a test saw, checked by pid once it ends. */
const javaPids = new Set<number>();

const running = (pid: number) => processCommand(pid) !== undefined;

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A plain node server holding `port` on `host`: the "other program" of the issue. */
async function holdPort(port: number, host: string, http = true): Promise<ChildProcess> {
  const code = http
    ? `require('http').createServer((q, r) => r.end('not the emulator')).listen(${port}, '${host}', () => console.log('ready'))`
    : `require('net').createServer().listen(${port}, '${host}', () => console.log('ready'))`;
  const child = spawn(process.execPath, [`--title=${MARKER}-holder`, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  holders.add(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`the holder of ${host}:${port} exited (${c})`)));
  });
  return child;
}

afterEach(async () => {
  await Promise.all(
    [...holders].map((h) => new Promise<void>((r) => (h.exitCode !== null || h.signalCode !== null ? r() : (h.once('exit', () => r()), h.kill('SIGKILL'))))),
  );
  holders.clear();
  expect(await leftoverProcesses()).toEqual([]);
  const java = [...javaPids].filter(running);
  javaPids.clear();
  // A failed test must not leak what it found: stop it, then fail.
  for (const pid of java) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  expect(java).toEqual([]);
});

const start = (args: string[], options: { onUp?: (child: ChildProcess) => void; onSpawn?: (child: ChildProcess) => void } = {}) => {
  let seen = '';
  return runBinary(['start', ...args], {
    env: bareEnv(),
    timeoutMs: 60_000,
    onSpawn: options.onSpawn,
    onStdout: (chunk, child) => {
      seen += chunk;
      // The last of the status lines: the stack is up.
      if (seen.includes('npx failure-digest digest') && options.onUp) {
        const up = options.onUp;
        options.onUp = undefined;
        up(child);
      }
    },
  });
};

const javaOnPort = (port: number) =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => processCommand(pid)?.includes(`DynamoDBLocal.jar -inMemory -port ${port} `));

/** Refused before anything ran: one line naming the port and its holder, exit 1, no Java, no record left. */
function expectRefused(run: BinaryRun, runDir: string, line: RegExp, ddbPort: number): void {
  expect(lines(run.stderr)).toEqual([expect.stringMatching(line)]);
  expect(run.stdout).toBe('');
  expect(run.code).toBe(1);
  expect(javaOnPort(ddbPort)).toEqual([]);
  expect(existsSync(runDir) ? readdirSync(runDir) : []).toEqual([]);
}

describe('start refuses a port it would not be serving', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::', '::1'])('the SES port held by a node http server on %s', async (host) => {
    const runDir = join(await tempDirForTest('fd-start-'), 'run');
    const [ddbPort, sesPort] = [await freePort(), await freePort()];
    const holder = await holdPort(sesPort, host);
    const run = await start(['--dynamodb-port', String(ddbPort), '--ses-port', String(sesPort), '--run-dir', runDir]);
    expectRefused(
      run,
      runDir,
      new RegExp(`^failure-digest: port ${sesPort} \\(SES v2 emulator, --ses-port\\) is already in use by pid ${holder.pid} \\(${MARKER}-holder\\) on \\[?${host}\\]?: stop it, or choose another port with --ses-port$`),
      ddbPort,
    );
  }, 70_000);

  it.each(['0.0.0.0', '::'])('the DynamoDB port held by any listener, here on %s', async (host) => {
    const runDir = join(await tempDirForTest('fd-start-'), 'run');
    const [ddbPort, sesPort] = [await freePort(), await freePort()];
    const holder = await holdPort(ddbPort, host, false);
    const run = await start(['--dynamodb-port', String(ddbPort), '--ses-port', String(sesPort), '--run-dir', runDir]);
    expectRefused(run, runDir, new RegExp(`^failure-digest: port ${ddbPort} \\(DynamoDB Local, --dynamodb-port\\) is already in use by pid ${holder.pid} `), ddbPort);
  }, 70_000);

  it('the DynamoDB port held by another DynamoDB Local, named with its java command line', async () => {
    const runDir = join(await tempDirForTest('fd-start-'), 'run');
    const ddbPort = Number(new URL(inject('ddbEndpoint')).port);
    const run = await start(['--dynamodb-port', String(ddbPort), '--ses-port', String(await freePort()), '--run-dir', runDir]);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^failure-digest: port ${ddbPort} \\(DynamoDB Local, --dynamodb-port\\) is already in use by pid \\d+ \\(java .*DynamoDBLocal\\.jar.*\\) on \\[::\\]: stop it`)),
    ]);
    expect(run.code).toBe(1);
    expect(javaOnPort(ddbPort)).toHaveLength(1);
  }, 70_000);
});

describe('after starting, each port must be served by what started it', () => {
  it('a DynamoDB Local whose port an older one holds: the probe answers, the check refuses, ours is gone', async () => {
    const port = Number(new URL(inject('ddbEndpoint')).port);
    let spawned: number[] = [];
    const started = startDynamoDbLocal({ port, onSpawn: (ps) => (spawned = ps.map((p) => p.pid)) });
    await expect(started).rejects.toThrow(PortNotOursError);
    await expect(started).rejects.toThrow(new RegExp(`^port ${port} \\(DynamoDB Local, --dynamodb-port\\) is served by pid \\d+ \\(java .*DynamoDBLocal\\.jar.*\\) on \\[::\\], not by the DynamoDB Local this start launched \\(pid ${spawned[0]}\\)`));
    for (const pid of spawned) javaPids.add(pid);
    await until('the new java and its watcher are gone', () => !spawned.some(running));
  }, 70_000);

  it('the SES emulator on 127.0.0.1 beside a holder on [::1]: listening works, the check refuses', async () => {
    const port = await freePort();
    const holder = await holdPort(port, '::1');
    await expect(startSesLocal({ port })).rejects.toThrow(
      new RegExp(`^port ${port} \\(SES v2 emulator, --ses-port\\) is served by pid ${holder.pid} \\(${MARKER}-holder\\) on \\[::1\\], not by the SES v2 emulator of this start`),
    );
    // Ours was closed again: nothing answers on 127.0.0.1.
    expect(() => assertPortServedBy({ port, service: 's', flag: '-p' }, [holder.pid!], 'the holder')).not.toThrow();
  });

  it('passes for a port this process serves', async () => {
    const ses = await startSesLocal({ port: await freePort() });
    try {
      expect(() => assertPortServedBy({ port: ses.port, service: 's', flag: '-p' }, [process.pid], 'us')).not.toThrow();
    } finally {
      await ses.stop();
    }
  });
});

describe('a start killed with SIGKILL', () => {
  const recordOf = (runDir: string, pid: number): StackRecord => {
    const file = join(runDir, `stack-${pid}.json`);
    return parseStackRecord(file, readFileSync(file, 'utf8'));
  };

  async function killedStart(runDir: string, ddbPort: number, sesPort: number, killWatcherFirst: boolean): Promise<StackRecord> {
    let record: StackRecord | undefined;
    const run = await start(['--dynamodb-port', String(ddbPort), '--ses-port', String(sesPort), '--run-dir', runDir], {
      onUp: (child) => {
        record = recordOf(runDir, child.pid!);
        for (const p of record.processes) javaPids.add(p.pid);
        const watcher = record.processes.find((p) => p.role === 'watcher');
        if (killWatcherFirst && watcher) process.kill(watcher.pid, 'SIGKILL');
        child.kill('SIGKILL');
      },
    });
    expect(run.signal).toBe('SIGKILL');
    expect(record?.processes.map((p) => p.role)).toEqual(['dynamodb-local', 'watcher']);
    return record!;
  }

  async function cleanStart(runDir: string, ddbPort: number, sesPort: number): Promise<BinaryRun> {
    const run = await start(['--dynamodb-port', String(ddbPort), '--ses-port', String(sesPort), '--run-dir', runDir], {
      onUp: (child) => {
        const record = recordOf(runDir, child.pid!);
        for (const p of record.processes) javaPids.add(p.pid);
        child.kill('SIGINT');
      },
    });
    expect(run.code).toBe(0);
    // A clean stop removes the record and its folder.
    expect(existsSync(runDir)).toBe(false);
    return run;
  }

  it('leaves no Java behind: its watcher stops it, and the next start clears the record and starts', async () => {
    const runDir = join(await tempDirForTest('fd-start-'), 'run');
    const [ddbPort, sesPort] = [await freePort(), await freePort()];
    const record = await killedStart(runDir, ddbPort, sesPort, false);
    const java = record.processes[0]!.pid;
    await until('the watcher has stopped DynamoDB Local', () => !running(java));
    const next = await cleanStart(runDir, ddbPort, sesPort);
    expect(lines(next.stderr)).toContain(
      `start: an earlier start (pid ${record.pid}, started ${record.startedAt}, ports ${ddbPort} and ${sesPort}) ended without stopping; nothing of it was still running`,
    );
  }, 120_000);

  it('with its watcher killed too: the next start stops the leftover Java from the record, then starts cleanly', async () => {
    const runDir = join(await tempDirForTest('fd-start-'), 'run');
    const [ddbPort, sesPort] = [await freePort(), await freePort()];
    const record = await killedStart(runDir, ddbPort, sesPort, true);
    const java = record.processes[0]!.pid;
    // Nothing else will stop it: it still holds the port.
    await new Promise((r) => setTimeout(r, 500));
    expect(running(java)).toBe(true);
    const next = await cleanStart(runDir, ddbPort, sesPort);
    expect(lines(next.stderr)).toContain(
      `start: an earlier start (pid ${record.pid}, started ${record.startedAt}, ports ${ddbPort} and ${sesPort}) ended without stopping; stopped what it left running: DynamoDB Local (pid ${java})`,
    );
    expect(running(java)).toBe(false);
  }, 120_000);
});

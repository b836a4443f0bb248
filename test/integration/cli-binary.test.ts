import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { bareEnv, leftoverProcesses, runBinary, runBinaryInPty, type BinaryRun } from '../support/binary.ts';
import { dropTables, localStackEnv, testClients, testConfig } from '../support/local.ts';
import { screen } from '../support/terminal.ts';

const lines = (text: string) => text.split('\n').filter(Boolean);
const DATE = '2026-11-01';
const PROGRESS = /^\[\d+\/\d+\] \d{4}-\d\d-\d\d \(UTC\): \d+ failures rebuilt from the index$/;

/** Closes the reader's end of the child's stdout once its first line has arrived. */
const closeAfterFirstLine = (chunk: string, child: ChildProcess) => {
  if (chunk.includes('\n')) child.stdout?.destroy();
};

let tmp: string;
let clients: Clients;
let config: DigestConfig;
/** The standard variables a person exports for the local stack, pointed at this run's DynamoDB Local. */
let localEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fd-binary-'));
  clients = testClients();
  config = testConfig({ REPORT_TZ: 'UTC' });
  localEnv = localStackEnv(config);
  await ensureLocalTables(clients.dynamodb, config);
  const w = dayWindow(DATE, 'UTC');
  await batchPutAll(clients.doc, config.executionTable, [
    { pk: 'etl-orders#run-1', status: 'FAILED', event_ts: w.start_ms + 1, message: 'boom' },
    { pk: 'etl-orders#run-2', status: 'FAILED', event_ts: w.start_ms + 2, message: 'boom again' },
  ]);
});

afterEach(async () => {
  expect(await leftoverProcesses()).toEqual([]);
  // Each test cleans up after itself; what it leaves is a failure of that test.
  expect(await readdir(tmp)).toEqual([]);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await dropTables(clients, config);
});

describe('usage errors: exit 2 and one line', () => {
  it.each([
    [['digest', '--dryrun'], "failure-digest: unknown option '--dryrun' (did you mean --dry-run?)"],
    [['digets'], "failure-digest: unknown command 'digets' (did you mean digest?)"],
    [['s3-logs', 'pars', 'x.log'], "failure-digest: unknown command 'pars' (did you mean parse?)"],
    [['s3-logs', 'parse'], "failure-digest: missing required argument 'file' (see failure-digest s3-logs parse --help)"],
    [['digest', '--source', 'gsx'], "failure-digest: option '--source <source>' argument 'gsx' is invalid. Allowed choices are summary, gsi (see failure-digest digest --help)"],
    [['reprocess', '--to', DATE], "failure-digest: required option '--from <YYYY-MM-DD>' not specified (see failure-digest reprocess --help)"],
    [['window', '--date'], "failure-digest: option '--date <YYYY-MM-DD>' argument missing (see failure-digest window --help)"],
  ])('%j', async (args, line) => {
    const run = await runBinary(args, { env: localEnv });
    expect(run.stderr).toBe(`${line}\n`);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = await runBinary(['--version'], { env: localEnv });
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('a terminal without AWS settings', () => {
  it('says which credentials to set, in one line (exit 2)', async () => {
    // No AWS_* variables, no ~/.aws, no instance metadata: what a new terminal has.
    const home = await mkdtemp(join(tmp, 'home-'));
    try {
      const run = await runBinary(['digest', '--dry-run', '--date', DATE], {
        env: bareEnv({ HOME: home, AWS_EC2_METADATA_DISABLED: 'true' }),
      });
      expect(lines(run.stderr)).toEqual([
        'failure-digest: no AWS credentials (Could not load credentials from any providers): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ' +
          'for the local stack, run the export lines that `failure-digest start` prints',
      ]);
      expect(run.code).toBe(2);
      // No retries worth the name on this path: a person is waiting.
      expect(run.ms).toBeLessThan(5_000);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('says which endpoints to set when the AWS host does not resolve, in one line (exit 1)', async () => {
    const run = await runBinary(['reprocess', '--from', DATE, '--to', DATE], {
      env: bareEnv({ AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy', AWS_EC2_METADATA_DISABLED: 'true' }),
    });
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^failure-digest: cannot resolve dynamodb\.us-east-1\.amazonaws\.com \((ENOTFOUND|EAI_AGAIN)\): for the local stack, set AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_DYNAMODB_STREAMS and AWS_ENDPOINT_URL_SESV2 \(the export lines that `failure-digest start` prints\); for AWS, check the network and AWS_REGION\n$/,
    );
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(5_000);
  });

  it('says the local stack is not running when nothing answers at the endpoint (exit 1)', async () => {
    const port = await freePort();
    const run = await runBinary(['digest', '--dry-run', '--date', DATE], {
      env: { ...localEnv, AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}` },
    });
    expect(lines(run.stderr)).toEqual([
      `failure-digest: nothing answers at 127.0.0.1:${port} (ECONNREFUSED): is the local stack running? \`failure-digest start\` runs it and prints the endpoints to export`,
    ]);
    expect(run.code).toBe(1);
  });
});

describe('stdout closed early (`… | head -1`): exit 0, no error', () => {
  const expectQuiet = (run: BinaryRun) => {
    expect(run.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(run.code).toBe(0);
  };

  it('capture, closed after the first line', async () => {
    const fixture = JSON.parse(await readFile('test/fixtures/capture-event.json', 'utf8')) as { Records: { dynamodb: { NewImage: { pk: { S: string } } } }[] };
    // Far more than a pipe holds, so the writes go on after the reader has gone.
    const record = fixture.Records[0]!;
    const Records = Array.from({ length: 5_000 }, (_, i) => {
      const r = structuredClone(record);
      r.dynamodb.NewImage.pk.S = `nightly-export#run-${i}`;
      return r;
    });
    const file = join(tmp, 'event.json');
    try {
      await writeFile(file, JSON.stringify({ Records }));
      const run = await runBinary(['capture', '--event', file, '--dry-run'], { env: localEnv, onStdout: closeAfterFirstLine });
      expectQuiet(run);
      expect(run.stderr).toBe('');
      expect(lines(run.stdout).length).toBeLessThan(5_000);
    } finally {
      await rm(file, { force: true });
    }
  });

  it('reprocess, closed after the first line, stops before the next day', async () => {
    const run = await runBinary(['reprocess', '--from', '2026-10-01', '--to', '2026-10-20'], { env: localEnv, onStdout: closeAfterFirstLine });
    expectQuiet(run);
    // Only the progress of days whose line was written before the reader left; no summary.
    for (const line of lines(run.stderr)) expect(line).toMatch(PROGRESS);
    expect(lines(run.stderr).length).toBeLessThan(20);
  });

  it.each([
    [['window', '--date', DATE], ''],
    [['digest', '--dry-run', '--json', '--source', 'gsi', '--date', DATE], `dry run ${DATE} (UTC): 2 failures from gsi: nothing sent\n`],
  ])('%j, closed before it writes', async (args, stderr) => {
    const run = await runBinary(args, { env: localEnv, onSpawn: (child) => child.stdout?.destroy() });
    expectQuiet(run);
    expect(run.stderr).toBe(stderr);
  });
});

describe('reprocess on a terminal', () => {
  it('keeps its JSON lines and the redrawn progress apart', async () => {
    const run = await runBinaryInPty(['reprocess', '--from', '2026-10-30', '--to', DATE], { env: localEnv });
    expect(run.code).toBe(0);
    const shown = screen(run.stdout);
    expect(shown.slice(0, 3).map((l) => JSON.parse(l) as { date: string })).toMatchObject([
      { date: '2026-10-30', entries: 0 },
      { date: '2026-10-31', entries: 0 },
      { date: DATE, entries: 2 },
    ]);
    expect(shown.slice(3)).toEqual([expect.stringMatching(/^reprocess done: 3 days in \d+\.\d s$/)]);
    // It was drawn, then cleared: not merely absent.
    expect(run.stdout).toContain('[3/3] 2026-11-01 (UTC): 2 failures rebuilt from the index');
  });

  it.each([
    ['n', 1, 0],
    ['y', 0, 32],
  ])('asks before a range of more than 31 days; answering %s', async (answer, code, days) => {
    let answered = false;
    let seen = '';
    const run = await runBinaryInPty(['reprocess', '--from', '2026-10-01', '--to', DATE], {
      env: localEnv,
      onStdout: (chunk, child) => {
        seen += chunk;
        if (answered || !seen.includes('Rebuild 32 days (2026-10-01 .. 2026-11-01)? [y/N]')) return;
        answered = true;
        child.stdin?.write(`${answer}\r`);
      },
    });
    expect(answered).toBe(true);
    expect(run.code).toBe(code);
    const shown = screen(run.stdout);
    expect(shown[0]).toBe(`Rebuild 32 days (2026-10-01 .. 2026-11-01)? [y/N] ${answer}`);
    expect(shown.filter((l) => l.startsWith('{"date"'))).toHaveLength(days);
    if (answer === 'n') expect(shown.slice(1)).toEqual(['nothing rebuilt']);
  });

  it('refuses a range of more than 31 days without a terminal, unless --yes (exit 2)', async () => {
    const refused = await runBinary(['reprocess', '--from', '1990-01-01', '--to', '2025-12-31'], { env: localEnv });
    expect(refused).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'failure-digest: a range of 13149 days (1990-01-01 .. 2025-12-31) is longer than 31: add --yes to rebuild them all\n',
    });
    const yes = await runBinary(['reprocess', '--from', '2026-09-01', '--to', DATE, '--yes'], { env: localEnv });
    expect(yes.code).toBe(0);
    expect(lines(yes.stdout)).toHaveLength(62);
  });

  it('refuses to mail more than 7 days without a terminal, unless --yes (exit 2), and rebuilds nothing', async () => {
    const refused = await runBinary(['reprocess', '--from', '2026-10-01', '--to', '2026-10-08', '--send'], { env: localEnv });
    expect(refused).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'failure-digest: a range of 8 days (2026-10-01 .. 2026-10-08) is longer than 7: add --yes to rebuild and mail them all\n',
    });
  });
});

describe('digest --out', () => {
  it('says on stderr which files it wrote', async () => {
    const dir = join(tmp, 'out');
    try {
      const run = await runBinary(['digest', '--dry-run', '--source', 'gsi', '--date', DATE, '--out', dir], { env: localEnv });
      expect(run.code).toBe(0);
      expect(lines(run.stderr)).toEqual([
        `wrote ${join(dir, 'report.txt')}`,
        `wrote ${join(dir, 'report.html')}`,
        `wrote ${join(dir, 'report.csv')}`,
        `wrote ${join(dir, 'report.eml')}`,
        `dry run ${DATE} (UTC): 2 failures from gsi: nothing sent`,
      ]);
      expect((await readdir(dir)).sort()).toEqual(['report.csv', 'report.eml', 'report.html', 'report.txt']);
      expect(run.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

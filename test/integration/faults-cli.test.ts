import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { SendLedger } from '../../shared/ledger/send-ledger.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { bareEnv, leftoverProcesses, runBinary } from '../support/binary.ts';
import { dropTables, localStackEnv, mailbox, testClients, testConfig } from '../support/local.ts';
import { createLocalAdminTopic } from '../../infra/local/stack.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const lines = (text: string) => text.split('\n').filter(Boolean);
const KINDS = 'the kinds are summary-write, gsi-read, ses-throttle, ses-timeout, crash-after-send';
// One report day per test that sends, so each has its own send ledger item.
const DAYS = { throttled: '2026-11-02', crashed: '2026-11-03', calm: '2026-11-04', timedOut: '2026-11-05' } as const;

let clients: Clients;
let config: DigestConfig;
let ledger: SendLedger;
/** The variables a person exports for the local stack, pointed at this run's emulators; one SDK attempt per operation. */
let localEnv: NodeJS.ProcessEnv;
/** Subscribed to this file's own alarm topic on the local SNS. */
let adminTo: string;
let archiveDir: string;

beforeAll(async () => {
  clients = testClients();
  config = testConfig({ REPORT_TZ: 'UTC' });
  ledger = new SendLedger(clients.doc, config.summaryTable);
  adminTo = config.sesTo[0]!.replace(/^ops-/, 'admin-');
  const topicArn = await createLocalAdminTopic(clients.sns, [adminTo], config.summaryTable);
  archiveDir = await makeTempDir('fd-kept-');
  localEnv = localStackEnv(config, {
    AWS_MAX_ATTEMPTS: '1',
    SES_FROM: config.sesFrom,
    SES_TO: config.sesTo.join(','),
    ADMIN_TOPIC_ARN: topicArn,
    REPORT_ARCHIVE: archiveDir,
  });
  await ensureLocalTables(clients.dynamodb, config);
  const items = Object.values(DAYS).map((date, i) => ({ pk: `etl-orders#run-${i}`, status: 'FAILED', event_ts: dayWindow(date, 'UTC').start_ms + 1, message: 'boom' }));
  await batchPutAll(clients.doc, config.executionTable, items);
});

afterEach(async () => {
  expect(await leftoverProcesses()).toEqual([]);
});

afterAll(async () => {
  await removeTempDir(archiveDir);
  await dropTables(clients, config);
  destroyClients(clients);
});

const sentOn = async (date: string) => (await mailbox(config.sesTo[0]!)).filter((m) => m.subject.includes(date));
/** What the administrators were told about a day, delivered by the local SNS. */
const noticesOn = async (date: string) => (await mailbox(adminTo)).filter((m) => m.subject.includes(date));
const keptAt = (date: string) => `${archiveDir}/UTC/${date}.json`;

// Every message is in test/unit/fault-spec.test.ts; these show the binary says them as a usage error.
describe('a --fault that cannot be used: one line, exit 2, before anything starts', () => {
  it.each([
    [['digest', '--fault', 'nope=0.5'], `--fault "nope=0.5": no fault kind "nope"; ${KINDS}`],
    [['digest', '--fault', 'summary-write=2'], `--fault "summary-write=2": rate "2" is not a number from 0 to 1 (the share of attempts that fail); ${KINDS}`],
    [['digest', '--fault', 'summary-write'], `--fault "summary-write" has no rate: write KIND=RATE, e.g. summary-write=0.2; ${KINDS}`],
    [['digest', '--fault', 'ses-timeout=1', '--fault-seed', 'x'], '--fault-seed "x" is not a whole number from 0 to 4294967295'],
    [['start', '--fault', 'nope=0.5'], `--fault "nope=0.5": no fault kind "nope"; ${KINDS}`],
  ])('%j', async (args, line) => {
    const run = await runBinary(args, { env: localEnv });
    expect(run.stderr).toBe(`failure-digest: ${line}\n`);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it.each([
    [{ AWS_ENDPOINT_URL_SESV2: '' }, 'AWS_ENDPOINT_URL_SESV2 is not set'],
    [{ AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.us-east-1.amazonaws.com' }, 'AWS_ENDPOINT_URL_DYNAMODB=https://dynamodb.us-east-1.amazonaws.com is not a loopback address (localhost, 127.0.0.1 or [::1])'],
  ])('digest refuses endpoints that are not local: %j', async (env, what) => {
    const run = await runBinary(['digest', '--dry-run', '--date', DAYS.calm, '--fault', 'ses-throttle=1'], { env: { ...localEnv, ...env } });
    expect(lines(run.stderr)).toEqual([`failure-digest: --fault works on the local stack only, and ${what} (the export lines that \`failure-digest start\` prints set it)`]);
    expect(run.code).toBe(2);
  });
});

describe('digest --fault on the local stack: the send ledger', () => {
  const ledgerOf = (date: string) => ledger.get('UTC', date);
  const json = (stdout: string) => JSON.parse(stdout) as { status: string };

  it('ses-throttle=1: tries 3 times, sends nothing, records the day failed (exit 1); a run without faults then sends it once', async () => {
    const run = await runBinary(['digest', '--date', DAYS.throttled, '--fault', 'ses-throttle=1', '--fault-seed', '7', '--json'], { env: localEnv });
    expect(lines(run.stderr)).toEqual([
      'faults on (local stack only; each rate is the share of SDK attempts that fail; seed 7, --fault-seed 7 repeats it): ses-throttle=1',
      '  ses-throttle=1: SendEmail answers TooManyRequestsException (HTTP 429, nothing sent)',
      `not sent ${DAYS.throttled} (UTC): 1 failure from gsi: SendEmail failed 3 times without SES accepting the message: TooManyRequestsException: Maximum sending rate exceeded. (injected by --fault ses-throttle)`,
      expect.stringMatching(new RegExp(`^administrators told \\(SNS message [\\w-]+\\); the report is kept at ${keptAt(DAYS.throttled)}$`)),
      'faults injected: ses-throttle 3 of 3 attempts',
    ]);
    expect(json(run.stdout).status).toBe('failed');
    expect(run.code).toBe(1);
    expect(await sentOn(DAYS.throttled)).toEqual([]);
    expect(await ledgerOf(DAYS.throttled)).toMatchObject({ state: 'failed' });
    // Told through SNS while every SendEmail of the digest is refused.
    const [notice, ...more] = await noticesOn(DAYS.throttled);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ from: 'AWS Notifications <no-reply@sns.amazonaws.com>', subject: `failure-digest: digest for ${DAYS.throttled} (UTC) NOT SENT` });
    expect(notice?.body.text).toContain('Why: SendEmail failed 3 times without SES accepting the message: TooManyRequestsException');
    expect(notice?.body.text).toContain(`The rendered report is kept at ${keptAt(DAYS.throttled)}.`);

    const again = await runBinary(['digest', '--date', DAYS.throttled, '--json'], { env: localEnv });
    expect(json(again.stdout).status).toBe('sent');
    expect(await sentOn(DAYS.throttled)).toHaveLength(1);
  });

  it('ses-timeout=1: SES has the email, the answer is lost: the day is in doubt (exit 1), and a second run sends nothing', async () => {
    const run = await runBinary(['digest', '--date', DAYS.timedOut, '--fault', 'ses-timeout=1', '--json'], { env: localEnv });
    expect(json(run.stdout).status).toBe('in-doubt');
    expect(run.code).toBe(1);
    expect(await ledgerOf(DAYS.timedOut)).toMatchObject({ state: 'in-doubt', reason: expect.stringMatching(/^SendEmail got no answer that shows SES refused the message \(TimeoutError: /) });
    const again = await runBinary(['digest', '--date', DAYS.timedOut, '--json'], { env: localEnv });
    expect(json(again.stdout).status).toBe('in-doubt');
    expect(again.code).toBe(1);
    expect(await sentOn(DAYS.timedOut)).toHaveLength(1);
    // Told once, by the run that found the doubt; the second run's exit 1 is what says it again.
    expect((await noticesOn(DAYS.timedOut)).map((m) => m.subject)).toEqual([`failure-digest: digest for ${DAYS.timedOut} (UTC) IN DOUBT`]);
  });

  it('crash-after-send=1: SES has the email and the process is killed; once its claim lapses, a rerun finds the day in doubt and sends nothing', async () => {
    const env = { ...localEnv, SEND_TIMEOUT_SECONDS: '5' };
    const run = await runBinary(['digest', '--date', DAYS.crashed, '--fault', 'crash-after-send=1'], { env });
    expect(run.signal).toBe('SIGKILL');
    expect(lines(run.stderr).at(-1)).toBe('failure-digest: SendEmail was accepted; this process is killed now (injected by --fault crash-after-send)');
    expect(await sentOn(DAYS.crashed)).toHaveLength(1);
    expect(await ledgerOf(DAYS.crashed)).toMatchObject({ state: 'sending' });

    // While the claim lasts, a rerun fails saying another run holds it.
    const early = await runBinary(['digest', '--date', DAYS.crashed, '--json'], { env });
    expect([json(early.stdout).status, early.code]).toEqual(['in-progress', 1]);
    const marker = await ledgerOf(DAYS.crashed);
    await new Promise((r) => setTimeout(r, Math.max(0, (marker as { leaseUntilMs: number }).leaseUntilMs - Date.now() + 100)));
    const late = await runBinary(['digest', '--date', DAYS.crashed, '--json'], { env });
    expect([json(late.stdout).status, late.code]).toEqual(['in-doubt', 1]);
    expect(await ledgerOf(DAYS.crashed)).toMatchObject({ state: 'in-doubt', reason: expect.stringMatching(/^a run was sending it when its claim lapsed/) });
    expect(await sentOn(DAYS.crashed)).toHaveLength(1);
    const [notice, ...more] = await noticesOn(DAYS.crashed);
    expect(more).toEqual([]);
    expect(notice?.subject).toBe(`failure-digest: digest for ${DAYS.crashed} (UTC) IN DOUBT`);
    expect(notice?.body.text).toContain(`To send it: failure-digest resend --date ${DAYS.crashed} --tz UTC`);

    // resend is the deliberate one, and mails the kept report.
    const forced = await runBinary(['resend', '--date', DAYS.crashed, '--json'], { env });
    expect([json(forced.stdout).status, forced.code]).toEqual(['sent', 0]);
    expect(lines(forced.stderr)[0]).toMatch(/^resending the report kept at \S+ when the day was in-doubt; --rebuild renders the day again$/);
    const [first, resent] = await sentOn(DAYS.crashed);
    expect(resent?.body.text).toBe(first?.body.text);
  });

  it('crash-after-send=0: sends and confirms as without it', async () => {
    const run = await runBinary(['digest', '--date', DAYS.calm, '--fault', 'crash-after-send=0'], { env: localEnv });
    expect(run.code).toBe(0);
    expect(lines(run.stderr).slice(-2)).toEqual([expect.stringMatching(new RegExp(`^sent ${DAYS.calm} \\(UTC\\): 1 failure from gsi`)), 'faults injected: crash-after-send 0 of 1 attempt']);
    const [sent] = await sentOn(DAYS.calm);
    expect(await ledgerOf(DAYS.calm)).toMatchObject({ state: 'sent', messageId: sent?.messageId });
  });

  it('refuses a day that is not over with one line (exit 2), sending nothing', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const run = await runBinary(['digest', '--date', today], { env: localEnv });
    expect(run.code).toBe(2);
    expect(lines(run.stderr).at(-1)).toMatch(new RegExp(`^failure-digest: ${today} \\(UTC\\) is not over until .*: its digest is sent after the day ends; --dry-run shows what it holds so far$`));
    expect(await sentOn(today)).toEqual([]);
  });
});

describe('start --fault', () => {
  it('prints the faults among the status lines, and stops on Ctrl-C saying what it injected', async () => {
    const [ddbPort, sesPort] = [await freePort(), await freePort()];
    let seen = '';
    const args = ['start', '--dynamodb-port', String(ddbPort), '--ses-port', String(sesPort), '--fault', 'summary-write=0.25', '--fault-seed', '11'];
    const run = await runBinary(args, {
      env: bareEnv(),
      timeoutMs: 60_000,
      onStdout: (chunk, child) => {
        seen += chunk;
        // The last of the status lines: the stack is up.
        if (seen.includes('npx failure-digest digest') && !child.killed) child.kill('SIGINT');
      },
    });
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual(
      expect.arrayContaining([
        '  faults on (local stack only; each rate is the share of SDK attempts that fail; seed 11, --fault-seed 11 repeats it): summary-write=0.25',
        '    summary-write=0.25: PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems on failure-digest-summary answer ProvisionedThroughputExceededException (HTTP 400, nothing written)',
      ]),
    );
    expect(lines(run.stderr)).toContain('faults injected: summary-write 0 of 0 attempts');
    // DynamoDB Local went with it.
    expect(spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${ddbPort}`]).status).toBe(1);
  }, 70_000);
});

import { GetAccountCommand, GetEmailIdentityCommand, NotFoundException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { blockingProblems, checkSender, SenderCheckError } from '../../shared/email/sender-checks.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import type { LocalSesAccount, LocalSesAccountPatch } from '../../infra/local/ses-account.ts';
import { leftoverProcesses, runBinary } from '../support/binary.ts';
import { dropTables, localStackEnv, testConfig } from '../support/local.ts';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { runDigest } from '../../shared/digest/run-digest.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import { SendLedger } from '../../shared/ledger/send-ledger.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { inject } from 'vitest';

const SENDER = 'Failure Digest <reports@digest.example>';
const OPS = 'ops@example.com';
const ONCALL = 'Oncall <oncall@example.org>';

let clients: Clients;
let config: DigestConfig;
/** An emulator of this file's own: the account states it tries (the sandbox, unverified senders) never reach another file's digests. */
let ses: SesLocal;

/** Sets the local SES account over its JSON endpoint, as a person or another test would. */
async function setAccount(patch: LocalSesAccountPatch | Record<string, unknown>): Promise<Response> {
  return fetch(`${ses.endpoint}/_local/account`, { method: 'POST', body: JSON.stringify(patch) });
}

/** The sandbox with one recipient not verified, and a quota that does not get in the way. */
const SANDBOX = { productionAccess: false, unverified: ['oncall@example.org'], max24HourSend: 1_000_000 };

const check = (to: readonly string[] = [OPS, ONCALL], from = SENDER) => checkSender(clients.ses, { from, to });

beforeAll(async () => {
  ses = await startSesLocal({ port: await freePort() });
  const ddb = inject('ddbEndpoint');
  clients = createClients({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoints: { dynamodb: ddb, streams: ddb, ses: ses.endpoint } });
  config = testConfig({ SES_FROM: SENDER, SES_TO: `${OPS},${ONCALL}` });
});

afterEach(async () => {
  // Back to the account the emulator started with, for the next test and every other file.
  expect((await fetch(`${ses.endpoint}/_local/account`, { method: 'DELETE' })).status).toBe(200);
});

afterAll(async () => {
  destroyClients(clients);
  await ses.stop();
});

describe('the local SES answers as SES v2 does', () => {
  it('by default: production access, every identity verified with DKIM SUCCESS, nothing blocks', async () => {
    const report = await check();
    expect(report).toMatchObject({
      sender: { address: 'reports@digest.example', identity: 'reports@digest.example', identityType: 'EMAIL_ADDRESS', verified: true, status: 'SUCCESS', dkim: 'SUCCESS' },
      production: true,
      sendingEnabled: true,
      enforcementStatus: 'HEALTHY',
      quota: { max24HourSend: 50_000, maxSendRate: 14 },
      recipientCount: 2,
      recipients: [],
    });
    expect(blockingProblems(report)).toEqual([]);
  });

  it('GetEmailIdentity of an unknown identity is the SDK\'s NotFoundException (HTTP 404); a known one parses with its dates', async () => {
    expect((await setAccount({ unverified: ['gone.example'] })).status).toBe(200);
    const error = await clients.ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'gone.example' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error).toMatchObject({ name: 'NotFoundException', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    const found = await clients.ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'digest.example' }));
    expect(found).toMatchObject({ IdentityType: 'DOMAIN', VerifiedForSendingStatus: true, VerificationStatus: 'SUCCESS', DkimAttributes: { Status: 'SUCCESS', SigningEnabled: true } });
    expect(found.DkimAttributes?.Tokens).toHaveLength(3);
    expect(found.VerificationInfo?.LastSuccessTimestamp).toBeInstanceOf(Date);
  });

  it('counts SentLast24Hours per recipient from what the emulator accepted', async () => {
    const sent = async () => (await clients.ses.send(new GetAccountCommand({}))).SendQuota?.SentLast24Hours ?? -1;
    const before = await sent();
    await clients.ses.send(
      new SendEmailCommand({
        FromEmailAddress: SENDER,
        Destination: { ToAddresses: [OPS, 'a@example.com'], CcAddresses: ['b@example.com'] },
        Content: { Simple: { Subject: { Data: 'quota' }, Body: { Text: { Data: 'three recipients' } } } },
      }),
    );
    // Other test files send through the same emulator meanwhile: at least these three.
    expect((await sent()) - before).toBeGreaterThanOrEqual(3);
    const { quota } = await check();
    expect(quota.left).toBe(quota.max24HourSend - quota.sentLast24Hours);
    expect(quota.sentLast24Hours).toBeGreaterThanOrEqual(before + 3);
  });

  it('refuses a patch it does not know, naming the member', async () => {
    const res = await setAccount({ productionAcess: false });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('productionAcess');
    expect((await setAccount({ dkim: 'GREAT' })).status).toBe(400);
  });
});

describe('sender checks against the local SES', () => {
  it('in the sandbox, names the one recipient that is not verified', async () => {
    const account = (await (await setAccount(SANDBOX)).json()) as LocalSesAccount;
    expect(account).toMatchObject({ productionAccess: false, unverified: ['oncall@example.org'], maxSendRate: 1 });
    const report = await check();
    expect(report.production).toBe(false);
    expect(report.recipients.map((r) => [r.address, r.verified])).toEqual([
      [OPS, true],
      ['oncall@example.org', false],
    ]);
    expect(blockingProblems(report)).toEqual([
      'the SES account is in the sandbox, which mails only verified identities, and 1 recipient is not verified: oncall@example.org',
    ]);
  });

  it('an unverified sender blocks, as does one still pending verification', async () => {
    await setAccount({ unverified: ['reports@digest.example'] });
    expect(blockingProblems(await check())).toEqual([
      'the sender reports@digest.example is not verified: neither reports@digest.example nor its domain is an SES identity',
    ]);
    await setAccount({ unverified: [], pending: ['digest.example'] });
    expect(blockingProblems(await check())).toEqual(['the sender reports@digest.example is not verified: its identity reports@digest.example is PENDING verification']);
  });

  it('takes a sender whose domain is verified when the address is no identity, with the domain\'s DKIM', async () => {
    await setAccount({ addressIdentities: false, dkim: 'TEMPORARY_FAILURE' });
    const report = await check();
    expect(report.sender).toMatchObject({ identity: 'digest.example', identityType: 'DOMAIN', verified: true, dkim: 'TEMPORARY_FAILURE' });
    expect(blockingProblems(report)).toEqual([]);
  });

  it('reports the quota, and blocks when fewer recipients are left than the digest has', async () => {
    await setAccount({ max24HourSend: 0, maxSendRate: 2 });
    const report = await check();
    expect(report.quota).toMatchObject({ max24HourSend: 0, left: 0, maxSendRate: 2 });
    expect(blockingProblems(report)).toEqual([
      `the 24-hour sending quota has 0 recipients left (${report.quota.sentLast24Hours} of 0 used), and the digest goes to 2 recipients`,
    ]);
    await setAccount({ max24HourSend: -1 });
    expect((await check()).quota.left).toBe(-1);
  });

  it('says in one line which endpoint did not answer', async () => {
    const port = await freePort();
    const dead = createClients({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoints: { ses: `http://127.0.0.1:${port}` } });
    try {
      const error = await checkSender(dead.ses, { from: SENDER, to: [OPS] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SenderCheckError);
      expect((error as Error).message).toBe(`SES GetAccount at http://127.0.0.1:${port}: no answer (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port})`);
    } finally {
      destroyClients(dead);
    }
  });
});

describe('failure-digest check', () => {
  const env = (extra: Record<string, string> = {}) => localStackEnv(config, { AWS_ENDPOINT_URL_SESV2: ses.endpoint, SES_FROM: SENDER, SES_TO: `${OPS},${ONCALL}`, ...extra });

  afterEach(async () => {
    expect(await leftoverProcesses()).toEqual([]);
  });

  it('exits 0 and says so when nothing blocks sending', async () => {
    const run = await runBinary(['check'], { env: env() });
    expect(run.stdout.split('\n').filter(Boolean).at(-1)).toBe('ready to send');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('exits 1 naming the unverified recipient in the sandbox, also as JSON', async () => {
    await setAccount(SANDBOX);
    const run = await runBinary(['check'], { env: env() });
    const problem = 'the SES account is in the sandbox, which mails only verified identities, and 1 recipient is not verified: oncall@example.org';
    expect(run.stdout.split('\n').filter((l) => l.startsWith('problem: '))).toEqual([`problem: ${problem}`]);
    expect(run.stdout).toContain('  oncall@example.org: not an SES identity, nor is its domain');
    expect(run.code).toBe(1);
    const json = await runBinary(['check', '--json'], { env: env() });
    expect(JSON.parse(json.stdout)).toMatchObject({ ready: false, problems: [problem], report: { production: false, recipientCount: 2 } });
    expect(json.code).toBe(1);
  });

  it('refuses SES_TO=",,," in one line, exit 2, before asking SES', async () => {
    const run = await runBinary(['check'], { env: env({ SES_TO: ',,,' }) });
    expect(run.stderr).toBe('failure-digest: SES_TO=",,," has no address\n');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });
});

describe('the digest checks the sender before its one SendEmail', () => {
  it('in the sandbox with a recipient not verified: nothing sent, the day failed naming the address, and a run after the fix sends', async () => {
    await ensureLocalTables(clients.dynamodb, config);
    await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
    const date = '2026-10-20';
    await batchPutAll(clients.doc, config.executionTable, [{ pk: 'etl#run-1', status: 'FAILED', event_ts: dayWindow(date, config.reportTz).start_ms + 1, message: 'boom' }]);
    try {
      const deps = digestDeps(clients, config, { drops: INLINE_DROPS });
      const opts = { date, tz: config.reportTz, from: config.sesFrom, to: config.sesTo };
      await setAccount(SANDBOX);
      const blocked = await runDigest(deps, opts);
      expect(blocked.status).toBe('failed');
      expect(blocked.reason).toBe(
        'not sent, SES would refuse it: the SES account is in the sandbox, which mails only verified identities, and 1 recipient is not verified: oncall@example.org',
      );
      expect(await new SendLedger(clients.doc, config.summaryTable).get(config.reportTz, date)).toMatchObject({ state: 'failed' });
      const store = async () => ((await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: unknown[] }).emails;
      expect(await store()).toEqual([]);

      await setAccount({ unverified: [] });
      expect((await runDigest(deps, opts)).status).toBe('sent');
      expect(await store()).toHaveLength(1);
    } finally {
      await dropTables(clients, config);
    }
  });
});

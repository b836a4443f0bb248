import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../shared/aws/batch-write.ts';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import { runDigest } from '../../shared/digest/run-digest.ts';
import { sesMailer } from '../../shared/email/mailer.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { createDigestHandler, DigestNotSentError } from '../../functions/digest/handler.ts';
import { createWatchdogHandler } from '../../functions/watchdog/handler.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { scheduledEvent } from '../../infra/local/scheduler.ts';
import { createLocalAdminTopic } from '../../infra/local/stack.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { bareEnv, leftoverProcesses, runBinary } from '../support/binary.ts';
import { dropTables, mailbox, testClients, testConfig } from '../support/local.ts';
import { makeTempDir, removeTempDir, tempDirForTest } from '../support/temp-dir.ts';

const TZ = 'Europe/Lisbon';
const DAYS = { handler: '2026-10-06', noTopic: '2026-10-07', quiet: '2026-10-08', unhandled: '2026-10-09', sent: '2026-10-10' } as const;

let clients: Clients;
let config: DigestConfig;
let adminTo: string;
let archiveDir: string;
/** SendEmail to a port nobody serves: refused before SES could accept anything. */
let unreachable: Clients;

beforeAll(async () => {
  clients = testClients();
  archiveDir = await makeTempDir('fd-admin-');
  const base = testConfig({ REPORT_TZ: TZ });
  adminTo = base.sesTo[0]!.replace(/^ops-/, 'admin-');
  const topicArn = await createLocalAdminTopic(clients.sns, [adminTo], base.summaryTable);
  config = { ...base, adminTopicArn: topicArn, reportArchive: archiveDir };
  await ensureLocalTables(clients.dynamodb, config);
  const items = [DAYS.handler, DAYS.noTopic, DAYS.sent].map((date, i) => ({ pk: `backup-nightly#run-${i}`, status: 'FAILED', event_ts: dayWindow(date, TZ).start_ms + 60_000, message: 'disk full' }));
  await batchPutAll(clients.doc, config.executionTable, items);
  unreachable = createClients({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoints: { ses: `http://127.0.0.1:${await freePort()}` } });
});

afterAll(async () => {
  destroyClients(unreachable);
  await dropTables(clients, config);
  await removeTempDir(archiveDir);
  destroyClients(clients);
});

/** Everything written to stdout and stderr while `run` runs: where Lambda's EMF metrics and logs go. */
async function outputOf(run: () => Promise<unknown>): Promise<{ lines: string[]; error: unknown }> {
  const written: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  for (const s of streams) {
    s.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof s.write;
  }
  try {
    const error = await run().then(() => undefined, (e: unknown) => e);
    return { lines: written.join('').split('\n').filter((l) => l.startsWith('{')), error };
  } finally {
    streams.forEach((s, i) => (s.write = writes[i]!));
  }
}

describe('the administrator path', () => {
  it('the Lambda handler that cannot send keeps the report, tells ADMIN_TO through SNS, logs and counts it, and throws', async () => {
    const deps = { ...digestDeps(clients, config, { drops: INLINE_DROPS }), mailer: sesMailer(unreachable.ses) };
    const metrics = new Metrics({ namespace: DIGEST_METRICS.namespace, serviceName: DIGEST_METRICS.service });
    const handler = createDigestHandler(deps, config, new Logger({ serviceName: 'failure-digest' }), metrics);
    const fired = dayWindow(DAYS.handler, TZ).end_ms + 8 * 3_600_000;
    const { lines, error } = await outputOf(() => handler(scheduledEvent(fired, 1, 'admin-test'), { getRemainingTimeInMillis: () => 60_000 }));

    expect(error).toBeInstanceOf(DigestNotSentError);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const emf = records.filter((r) => '_aws' in r);
    expect(emf).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [{ Namespace: 'failure-digest', Dimensions: [['service', 'status']], Metrics: [{ Name: 'DigestNotSent', Unit: 'Count' }] }],
        }),
        status: 'failed',
        DigestNotSent: 1,
      }),
    ]);
    const logged = records.find((r) => r.message === 'Digest not sent');
    expect(logged).toMatchObject({ level: 'ERROR', date: DAYS.handler, status: 'failed', adminTold: true, keptAt: join(archiveDir, TZ, `${DAYS.handler}.json`) });

    const kept = JSON.parse(await readFile(join(archiveDir, TZ, `${DAYS.handler}.json`), 'utf8')) as { subject: string; to: string[]; status: string };
    expect(kept).toMatchObject({ to: config.sesTo, status: 'failed', subject: expect.stringContaining(DAYS.handler) });
    const notices = (await mailbox(adminTo)).filter((m) => m.subject.includes(DAYS.handler));
    expect(notices.map((m) => m.subject)).toEqual([`failure-digest: digest for ${DAYS.handler} (${TZ}) NOT SENT`]);
    expect(await mailbox(config.sesTo[0]!).then((all) => all.filter((m) => m.subject.includes(DAYS.handler)))).toEqual([]);
  });

  it('a run that cannot reach the topic still fails loudly, and says nobody was told', async () => {
    const deps = { ...digestDeps(clients, { ...config, adminTopicArn: `${config.adminTopicArn}-gone` }, { drops: INLINE_DROPS }), mailer: sesMailer(unreachable.ses) };
    const out = await runDigest(deps, { date: DAYS.noTopic, tz: TZ, from: config.sesFrom, to: config.sesTo });
    expect(out.status).toBe('failed');
    expect(out.admin).toMatchObject({ told: false, detail: expect.stringMatching(/^SNS Publish to \S+-gone failed: NotFoundException: Topic does not exist/) });
    expect(out.admin?.keptAt).toBe(join(archiveDir, TZ, `${DAYS.noTopic}.json`));
  });
});

describe('the watchdog, fired 60 minutes after the digest was due', () => {
  const watchdog = () => createWatchdogHandler(digestDeps(clients, config, { drops: INLINE_DROPS }), config, new Logger({ serviceName: 'failure-digest', logLevel: 'SILENT' }));
  /** The watchdog's firing on the day after `date`: the digest's time plus the margin. */
  const firing = (date: string) => scheduledEvent(dayWindow(date, TZ).end_ms + (8 * 60 + config.watchdogMarginMinutes) * 60_000, 1, 'watchdog-test');
  const noticesOn = async (date: string) => (await mailbox(adminTo)).filter((m) => m.subject.includes(date)).map((m) => [m.subject, m.body.text]);

  it('a day no digest run reached is told to the administrators', async () => {
    const res = await watchdog()(firing(DAYS.unhandled));
    expect(res).toMatchObject({ date: DAYS.unhandled, tz: TZ, confirmed: false, state: undefined, told: { told: true } });
    const [notice, ...more] = await noticesOn(DAYS.unhandled);
    expect(more).toEqual([]);
    expect(notice?.[0]).toBe(`failure-digest: no digest confirmed for ${DAYS.unhandled} (${TZ})`);
    expect(notice?.[1]).toContain('the send ledger has no entry for the day: no digest run reached it');
  });

  it('a sent day and a day with nothing to send are confirmed, and nobody is told', async () => {
    const deps = digestDeps(clients, config, { drops: INLINE_DROPS });
    expect((await runDigest(deps, { date: DAYS.sent, tz: TZ, from: config.sesFrom, to: config.sesTo })).status).toBe('sent');
    expect((await runDigest(deps, { date: DAYS.quiet, tz: TZ, from: config.sesFrom, to: config.sesTo, sendEmpty: false })).status).toBe('skipped-empty');
    expect(await watchdog()(firing(DAYS.sent))).toMatchObject({ confirmed: true, state: 'sent' });
    expect(await watchdog()(firing(DAYS.quiet))).toMatchObject({ confirmed: true, state: 'skipped-empty' });
    expect([...(await noticesOn(DAYS.sent)), ...(await noticesOn(DAYS.quiet))]).toEqual([]);
  });
});

describe('start --demo --fault ses-throttle=1', () => {
  it("the digest's SendEmail is refused, and the notice reaches admin@example.com in the local mailbox and the stack's log", async () => {
    const [ddbPort, sesPort] = [await freePort(), await freePort()];
    const archive = await tempDirForTest('fd-start-kept-');
    let seen = '';
    let store: { emails: { from: string; destination: { to: string[] }; subject: string }[] } | undefined;
    const args = ['start', '--demo', '--dynamodb-port', String(ddbPort), '--ses-port', String(sesPort), '--fault', 'ses-throttle=1'];
    const run = await runBinary(args, {
      env: bareEnv({ REPORT_ARCHIVE: archive }),
      timeoutMs: 120_000,
      onStdout: (chunk, child) => {
        seen += chunk;
        if (seen.includes('demo: the digest failed') && !child.killed) {
          void fetch(`http://127.0.0.1:${sesPort}/store`)
            .then((r) => r.json())
            .then((s) => (store = s as typeof store))
            .finally(() => child.kill('SIGINT'));
        }
      },
    });
    expect(run.code).toBe(0);
    const notice = run.stderr.split('\n').find((l) => l.startsWith('admin: '));
    expect(notice).toMatch(/^admin: failure-digest: digest for \d{4}-\d\d-\d\d \(UTC\) NOT SENT \(SNS failure-digest-alarms to admin@example.com\)$/);
    expect(store?.emails.map((e) => [e.from, e.destination.to, e.subject])).toEqual([
      ['AWS Notifications <no-reply@sns.amazonaws.com>', ['admin@example.com'], notice?.replace(/^admin: (.*) \(SNS .*$/, '$1')],
    ]);
    expect(await leftoverProcesses()).toEqual([]);
    // The whole stack starts, writes the demo days and runs the digest: longer than a unit of work.
  }, 150_000);
});

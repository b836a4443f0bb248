import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { SendLedger } from '../../shared/ledger/send-ledger.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { addDays } from '../../shared/time/report-day.ts';
import { seededRandom } from '../../infra/local/seeded-random.ts';
import { createLocalAdminTopic } from '../../infra/local/stack.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { leftoverProcesses, runBinary } from '../support/binary.ts';
import { dropTables, localStackEnv, mailbox, testClients, testConfig } from '../support/local.ts';

/**
 * `digest` is killed (SIGKILL) at a random moment of a real send, then run
 * again as the schedule's retries would, until the day settles. The claim
 * and the one SendEmail call take about a tenth of a second of a run that
 * is mostly Node starting, so moments are drawn three ways: over the whole
 * run, just after the day shows `claimed`, and just after it shows
 * `sending` (before or after SES accepts). Whatever the moment, the day ends
 * with one email at most, and either `sent` or `in-doubt` with the
 * administrators told: never two emails, never silent.
 */
const TRIALS = 20;
const SEED = 20261202;
const FIRST_DAY = '2026-09-01';
/** Reruns one trial may need: at most a held claim, then the lapsed one's verdict. */
const MAX_RERUNS = 4;

let clients: Clients;
let config: DigestConfig;
let ledger: SendLedger;
let env: NodeJS.ProcessEnv;
let adminTo: string;

beforeAll(async () => {
  clients = testClients();
  config = testConfig({ REPORT_TZ: 'UTC' });
  ledger = new SendLedger(clients.doc, config.summaryTable);
  adminTo = config.sesTo[0]!.replace(/^ops-/, 'admin-');
  await ensureLocalTables(clients.dynamodb, config);
  env = localStackEnv(config, {
    AWS_MAX_ATTEMPTS: '1',
    SES_FROM: config.sesFrom,
    SES_TO: config.sesTo.join(','),
    ADMIN_TOPIC_ARN: await createLocalAdminTopic(clients.sns, [adminTo], config.summaryTable),
    // The shortest lease: a kill that leaves the day held costs a rerun this long.
    SEND_TIMEOUT_SECONDS: '5',
  });
});

afterAll(async () => {
  expect(await leftoverProcesses()).toEqual([]);
  await dropTables(clients, config);
  destroyClients(clients);
});

const emailsOn = async (to: string, date: string) => (await mailbox(to)).filter((m) => m.subject.includes(date));

/** When a trial kills its run: some ms after the spawn, or after the ledger first shows a state. */
type Moment = { readonly after: 'spawn' | 'claimed' | 'sending'; readonly ms: number };

interface Trial {
  readonly date: string;
  readonly moment: Moment;
  /** The ledger right after the kill: how far the run got. */
  readonly afterKill: string;
  readonly emailsAfterKill: number;
  readonly final: string;
  readonly reruns: number;
  readonly emails: number;
  readonly notices: number;
}

/** How long after its spawn an undisturbed run claims the day and has its email recorded. */
async function calibrate(date: string): Promise<{ claimMs: number; sentMs: number }> {
  const spawnedMs = Date.now();
  const run = await runBinary(['digest', '--date', date], { env });
  expect(run.code).toBe(0);
  const marker = await ledger.get('UTC', date);
  if (marker?.state !== 'sent') throw new Error(`calibration run ended ${marker?.state}`);
  // The claim token starts with the claim's time.
  return { claimMs: Number(marker.claimToken.split('-')[0]) - spawnedMs, sentMs: marker.sentMs - spawnedMs };
}

/** Resolves once the day's ledger item is in `state` (or further), read as often as DynamoDB Local answers. */
async function seen(date: string, state: 'claimed' | 'sending', gone: () => boolean): Promise<void> {
  const further = state === 'claimed' ? ['claimed', 'sending', 'sent', 'in-doubt', 'failed'] : ['sending', 'sent', 'in-doubt', 'failed'];
  while (!gone()) {
    const marker = await ledger.get('UTC', date);
    if (marker && further.includes(marker.state)) return;
  }
}

async function trial(date: string, moment: Moment): Promise<Trial> {
  const kill = async (child: ChildProcess) => {
    if (moment.after !== 'spawn') await seen(date, moment.after, () => child.exitCode !== null);
    setTimeout(() => child.kill('SIGKILL'), moment.ms);
  };
  await runBinary(['digest', '--date', date], { env, onSpawn: (child) => void kill(child) });
  const afterKill = (await ledger.get('UTC', date))?.state ?? 'none';
  const emailsAfterKill = (await emailsOn(config.sesTo[0]!, date)).length;
  let final = afterKill;
  let reruns = 0;
  while (final !== 'sent' && final !== 'in-doubt' && reruns < MAX_RERUNS) {
    const held = await ledger.get('UTC', date);
    // A claim held by the killed run lasts until its lease; the schedule's next retry comes later than that.
    if (held && 'leaseUntilMs' in held) await new Promise((r) => setTimeout(r, Math.max(0, held.leaseUntilMs - Date.now() + 100)));
    const rerun = await runBinary(['digest', '--date', date, '--json'], { env });
    reruns += 1;
    const status = (JSON.parse(rerun.stdout) as { status: string }).status;
    // Never silent: every run that did not get the email out says so with its exit code.
    expect(rerun.code, `${date}: a rerun ending ${status}`).toBe(status === 'sent' || status === 'already-sent' ? 0 : 1);
    final = (await ledger.get('UTC', date))?.state ?? 'none';
  }
  return {
    date,
    moment,
    afterKill,
    emailsAfterKill,
    final,
    reruns,
    emails: (await emailsOn(config.sesTo[0]!, date)).length,
    notices: (await emailsOn(adminTo, date)).length,
  };
}

describe(`digest killed at ${TRIALS} random moments, then run again`, () => {
  it('never sends a day twice, and ends every day sent, or in doubt with the administrators told', { timeout: 600_000 }, async () => {
    const { claimMs, sentMs } = await calibrate(addDays(FIRST_DAY, -1));
    const random = seededRandom(SEED);
    const moments: Moment[] = Array.from({ length: TRIALS }, (_, i): Moment => {
      if (i < 8) return { after: 'spawn', ms: Math.round(random() * (sentMs + 200)) };
      if (i < 14) return { after: 'claimed', ms: Math.round(random() * 20) };
      return { after: 'sending', ms: Math.round(random() * 4) };
    });
    const trials: Trial[] = [];
    // Two at a time, each on a day of its own.
    for (let i = 0; i < TRIALS; i += 2) {
      trials.push(...(await Promise.all([i, i + 1].map((j) => trial(addDays(FIRST_DAY, j), moments[j]!)))));
    }
    console.info(
      [
        `crash trials (claim at ${claimMs} ms, sent recorded at ${sentMs} ms after spawn; seed ${SEED}):`,
        ...trials.map((t) => `  kill ${t.moment.ms} ms after ${t.moment.after}: left ${t.afterKill} with ${t.emailsAfterKill} email(s); after ${t.reruns} rerun(s) ${t.final}, ${t.emails} email(s), ${t.notices} notice(s)`),
      ].join('\n'),
    );
    for (const t of trials) {
      expect(t.emails, `${t.date}: emails`).toBeLessThanOrEqual(1);
      expect(['sent', 'in-doubt'], `${t.date}: settled`).toContain(t.final);
      if (t.final === 'sent') expect(t.emails, `${t.date}: sent means one email`).toBe(1);
      // In doubt is told once, by the run that found it so; a sent day tells nobody.
      expect(t.notices, `${t.date}: notices`).toBe(t.final === 'in-doubt' ? 1 : 0);
    }
  });
});

import { digestDeps } from '../../shared/digest/deps.ts';
import { runDigest, type DigestDeps } from '../../shared/digest/run-digest.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import { SendLedger } from '../../shared/ledger/send-ledger.ts';
import type { SentInfo } from '../../shared/summary/model/sent-marker.ts';
import { addDays, reportDayOf } from '../../shared/time/report-day.ts';
import { ensureLocalTables } from '../../infra/local/tables.ts';
import { num, textTable } from './format.ts';
import type { BenchStack } from './local.ts';
import { benchConfig, dropTables } from './local.ts';
import { percentile } from './stats.ts';

/**
 * The window no mail API closes: SES has accepted the message, and the send
 * ledger does not say so yet. A run that dies inside it leaves the day
 * `sending`, which becomes `in-doubt` once the lease lapses. Measured on
 * every real send of a run of digests, through the SES emulator and
 * DynamoDB Local, next to the whole run it is part of.
 */
export interface SendWindowRow {
  readonly sends: number;
  /** SendEmail's answer received → the `sent` write acknowledged: accepted and not yet recorded. */
  readonly unrecorded_p50_ms: number;
  readonly unrecorded_p99_ms: number;
  readonly unrecorded_max_ms: number;
  /** `sending` written → `sent` written: a crash in here leaves the day in doubt (it includes the SendEmail call). */
  readonly in_doubt_p50_ms: number;
  readonly in_doubt_p99_ms: number;
  /** One whole digest run (read, render, claim, send, record), the same runs. */
  readonly run_p50_ms: number;
  /** unrecorded p50 / run p50. */
  readonly unrecorded_share: number;
}

class TimedLedger extends SendLedger {
  readonly marked: number[] = [];
  readonly recorded: number[] = [];
  override async markSending(tz: string, date: string, token: string, nowMs: number): Promise<void> {
    await super.markSending(tz, date, token, nowMs);
    this.marked.push(performance.now());
  }
  override async confirm(tz: string, date: string, token: string, info: SentInfo): Promise<void> {
    await super.confirm(tz, date, token, info);
    this.recorded.push(performance.now());
  }
}

export async function measureSendWindow(stack: BenchStack, sends: number, tz: string, log: (m: string) => void): Promise<SendWindowRow> {
  return stack.withDynamoDb(async ({ clients }) => {
    const config = { ...benchConfig('sendwindow', tz), sendEmpty: true };
    await ensureLocalTables(clients.dynamodb, config);
    try {
      const base = digestDeps(clients, config, { drops: INLINE_DROPS });
      const ledger = new TimedLedger(clients.doc, config.summaryTable);
      const accepted: number[] = [];
      const deps: DigestDeps = {
        ...base,
        ledger,
        mailer: {
          async send(email, options) {
            const id = await base.mailer.send(email, options);
            accepted.push(performance.now());
            return id;
          },
        },
      };
      const runs: number[] = [];
      const yesterday = reportDayOf(Date.now() - 86_400_000, tz);
      log(`send window: ${sends} digests, each one real SendEmail and its ledger writes…`);
      for (let i = 0; i < sends; i += 1) {
        const t0 = performance.now();
        const out = await runDigest(deps, { date: addDays(yesterday, -i), tz, from: config.sesFrom, to: config.sesTo });
        if (out.status !== 'sent') throw new Error(`send window: digest ${i} ended ${out.status}: ${out.reason ?? ''}`);
        runs.push(performance.now() - t0);
      }
      const unrecorded = ledger.recorded.map((t, i) => t - accepted[i]!);
      const inDoubt = ledger.recorded.map((t, i) => t - ledger.marked[i]!);
      const row: SendWindowRow = {
        sends,
        unrecorded_p50_ms: percentile(unrecorded, 50),
        unrecorded_p99_ms: percentile(unrecorded, 99),
        unrecorded_max_ms: Math.max(...unrecorded),
        in_doubt_p50_ms: percentile(inDoubt, 50),
        in_doubt_p99_ms: percentile(inDoubt, 99),
        run_p50_ms: percentile(runs, 50),
        unrecorded_share: percentile(unrecorded, 50) / percentile(runs, 50),
      };
      return row;
    } finally {
      await dropTables(clients, config);
    }
  });
}

export function renderSendWindow(r: SendWindowRow): string {
  return [
    `Send window (${r.sends} sends, SES emulator and DynamoDB Local on this machine)`,
    textTable(
      ['window', 'p50', 'p99', 'max'],
      [
        ['accepted, not yet recorded (SES answer → sent written)', `${num(r.unrecorded_p50_ms)} ms`, `${num(r.unrecorded_p99_ms)} ms`, `${num(r.unrecorded_max_ms)} ms`],
        ['in doubt if the run dies (sending written → sent written)', `${num(r.in_doubt_p50_ms)} ms`, `${num(r.in_doubt_p99_ms)} ms`, '-'],
        ['whole digest run', `${num(r.run_p50_ms)} ms`, '-', '-'],
      ],
      ['l', 'r', 'r', 'r'],
    ),
    `accepted-not-recorded is ${num(r.unrecorded_share * 100)}% of a run (p50 against p50)`,
  ].join('\n');
}

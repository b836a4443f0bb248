import { destroyClients } from '../../shared/aws/clients.ts';
import { blockingProblems, checkSender, senderWarnings } from '../../shared/email/sender-checks.ts';
import { renderSenderReport } from '../../shared/email/sender-report.ts';
import type { Io } from './commands.ts';
import { cliContext } from './context.ts';

/**
 * `failure-digest check`: what SES would say to the digest's sender and
 * recipients, with the settings and clients the digest uses. Exit 1 when
 * something blocks sending, each problem on a line.
 */
export async function checkCommand(io: Io, opts: { json?: boolean }): Promise<number> {
  const ctx = cliContext({ requireEmail: true });
  try {
    const report = await checkSender(ctx.clients.ses, { from: ctx.config.sesFrom, to: ctx.config.sesTo });
    const problems = blockingProblems(report);
    if (opts.json) io.out(JSON.stringify({ ready: problems.length === 0, problems, warnings: senderWarnings(report), report }));
    else for (const line of renderSenderReport(report)) io.out(line);
    return problems.length === 0 ? 0 : 1;
  } finally {
    destroyClients(ctx.clients);
  }
}

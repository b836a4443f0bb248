import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { destroyClients } from '../../shared/aws/clients.ts';
import { recoveryDeps } from '../../shared/recovery/deps.ts';
import { describeOutcome } from '../../shared/recovery/outcome.ts';
import { recoverRange } from '../../shared/recovery/recover-range.ts';
import { SETTINGS } from '../../shared/settings/settings.ts';
import type { Io } from './commands.ts';
import { cliContext } from './context.ts';
import { UsageError } from './errors.ts';
import { parseReplayInput } from './replay-input.ts';

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Does by hand what the on-failure function does: reads each range back from
 * the stream the SDK variables point at, captures what is still there and
 * marks the days of what is not. Safe to repeat.
 */
export async function replayCommand(io: Io, file: string, opts: { tz?: string }): Promise<number> {
  const failures = parseReplayInput(await readInput(file), file === '-' ? 'standard input' : file);
  const ctx = cliContext({ requireEmail: false, tz: opts.tz });
  try {
    const deps = recoveryDeps(ctx.clients, ctx.config);
    for (const failure of failures) {
      const outcome = await recoverRange(deps, failure);
      io.out(JSON.stringify(outcome));
      io.err(describeOutcome(outcome));
    }
    return 0;
  } finally {
    destroyClients(ctx.clients);
  }
}

/** `failure-digest replay FILE|-`. */
export function addReplayCommand(program: Command, io: Io, setExit: (code: number) => void): void {
  const tz = SETTINGS.reportTz;
  program
    .command('replay')
    .description('recover stream records a mapping gave up on, from on-failure records: capture what the stream still holds, mark the days of the rest')
    .argument('<file>', 'on-failure records: one per line (on-failure.jsonl), one SQS message body, or a JSON array; - for standard input')
    .option(`${tz.flag} <zone>`, `IANA time zone of the report (default: ${tz.env} or ${tz.default})`)
    .action(async (file: string, opts: { tz?: string }) => setExit(await replayCommand(io, file, opts)));
}

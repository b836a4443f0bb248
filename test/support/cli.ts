import type { Io } from '../../infra/cli/commands.ts';
import { main } from '../../infra/cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** Runs `failure-digest <args>` in this process, collecting what it prints. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await main(['node', 'failure-digest', ...args], io);
  return { code, out, err };
}

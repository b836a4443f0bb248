import { rmSync } from 'node:fs';
import { processCommand } from './port-holders.ts';
import { leftoverLine, planLeftover, readStackRecords, removeStackRecord, writeStackRecord, type RecordedProcess, type StackRecord } from './stack-record.ts';

/** A leftover of a crashed start that this user may not stop. */
export class LeftoverStackError extends Error {
  constructor(file: string, p: RecordedProcess, reason: string) {
    super(
      `an earlier failure-digest start left pid ${p.pid} (${p.role}) running and it could not be stopped (${reason}): ` +
        `stop it with \`kill -TERM -- -${p.pgid}\` (as its owner), then remove ${file}`,
    );
    this.name = 'LeftoverStackError';
  }
}

// Still the recorded process: not gone, not a zombie (no command line), not a reused pid.
const running = (p: RecordedProcess) => processCommand(p.pid) === p.command;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * TERM to the whole group (the JVM's launcher may have children), up to 5 s,
 * then KILL. The watcher ignores TERM by design, so it gets KILL at once.
 */
async function stopGroup(file: string, p: RecordedProcess): Promise<void> {
  const target = p.pgid === p.pid ? -p.pgid : p.pid;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(target, signal);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ESRCH') throw new LeftoverStackError(file, p, code ?? String(e));
    }
  };
  const graceMs = p.role === 'watcher' ? 0 : 5_000;
  if (graceMs) send('SIGTERM');
  for (let waited = 0; running(p) && waited < graceMs; waited += 100) await sleep(100);
  if (running(p)) send('SIGKILL');
  for (let waited = 0; running(p) && waited < 2_000; waited += 100) await sleep(100);
  if (running(p)) throw new LeftoverStackError(file, p, 'it outlived SIGKILL');
}

/**
 * Finds the records of starts that ended without stopping (kill -9, a power
 * cut), stops what they left running, and removes their records. Stacks that
 * are still running are left alone: their ports are theirs, and the port
 * check names them if this start wants the same ones.
 */
export async function stopLeftovers(dir: string, log: (line: string) => void): Promise<void> {
  for (const { file, record } of readStackRecords(dir)) {
    const plan = planLeftover(record, processCommand);
    if (plan.state === 'running') continue;
    // The watcher first: it would stop the group too, and two stoppers race.
    const ordered = [...plan.stop].sort((a, b) => Number(b.role === 'watcher') - Number(a.role === 'watcher'));
    for (const p of ordered) await stopGroup(file, p);
    rmSync(file, { force: true });
    log(leftoverLine(record, plan.stop.filter((p) => p.role !== 'watcher')));
  }
}

/** Keeps this start's record up to date while it runs, and removes it when it stops. */
export interface StackRecorder {
  add(processes: readonly RecordedProcess[]): void;
  remove(): void;
}

export function createStackRecorder(dir: string, base: Omit<StackRecord, 'processes'>): StackRecorder {
  let processes: RecordedProcess[] = [];
  writeStackRecord(dir, { ...base, processes });
  return {
    add(more) {
      processes = [...processes, ...more];
      writeStackRecord(dir, { ...base, processes });
    },
    remove: () => removeStackRecord(dir, base.pid),
  };
}

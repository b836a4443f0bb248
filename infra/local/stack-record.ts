import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What a running `start` keeps on disk, so that the next one can find what a
 * crashed one left behind: who started it (pid and command line, to tell a
 * reused pid from the same process), its ports, and every process it spawned.
 */
export interface StackRecord {
  readonly version: 1;
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
  readonly ports: { readonly dynamodb: number; readonly ses: number };
  readonly dataDir: string | null;
  readonly processes: readonly RecordedProcess[];
}

export interface RecordedProcess {
  readonly role: string;
  readonly pid: number;
  readonly pgid: number;
  readonly command: string;
}

/** A file in the record folder that is not a record this version can read. */
export class StackRecordError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file} is not a stack record this version can read (${reason}): if no failure-digest start is running, remove it and start again`);
    this.name = 'StackRecordError';
  }
}

const pid = z.number().int().positive();
const RECORD = z.object({
  version: z.literal(1),
  pid,
  command: z.string(),
  startedAt: z.string(),
  ports: z.object({ dynamodb: z.number().int(), ses: z.number().int() }),
  dataDir: z.string().nullable(),
  processes: z.array(z.object({ role: z.string(), pid, pgid: pid, command: z.string() })),
});

/**
 * Where records live: the per-user runtime dir where there is one (it is
 * emptied at logout and reboot, as these processes are), else a folder of
 * this user's own in the temp dir.
 */
export function defaultRecordDir(env: { readonly xdgRuntimeDir?: string | undefined; readonly tmpdir: string; readonly uid: number }): string {
  return env.xdgRuntimeDir ? join(env.xdgRuntimeDir, 'failure-digest') : join(env.tmpdir, `failure-digest-${env.uid}`);
}

const FILE = /^stack-(\d+)\.json$/;
export const recordFileName = (ownerPid: number) => `stack-${ownerPid}.json`;

export function parseStackRecord(file: string, text: string): StackRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StackRecordError(file, 'not JSON');
  }
  const parsed = RECORD.safeParse(json);
  if (!parsed.success) throw new StackRecordError(file, parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** What became of a recorded stack, judged by what each recorded pid runs now. */
export type LeftoverPlan =
  | { readonly state: 'running' }
  | {
      readonly state: 'ended';
      /** Still running the recorded command line: what the crashed start left behind. */
      readonly stop: readonly RecordedProcess[];
      /** Gone, or its pid now runs something else, which is not ours to stop. */
      readonly gone: readonly RecordedProcess[];
    };

/**
 * A stack whose owner still runs its recorded command line is alive and not
 * ours to touch. Otherwise each recorded process that still runs its own
 * recorded command line is a leftover; a pid that runs anything else was reused.
 */
export function planLeftover(record: StackRecord, commandOf: (pid: number) => string | undefined): LeftoverPlan {
  if (commandOf(record.pid) === record.command) return { state: 'running' };
  const stop = record.processes.filter((p) => commandOf(p.pid) === p.command);
  return { state: 'ended', stop, gone: record.processes.filter((p) => !stop.includes(p)) };
}

const ROLE_NAMES: Record<string, string> = { 'dynamodb-local': 'DynamoDB Local', watcher: 'its watcher' };
const processText = (p: RecordedProcess) => `${ROLE_NAMES[p.role] ?? p.role} (pid ${p.pid})`;

/** The line `start` prints about an ended stack it cleaned up. */
export function leftoverLine(record: StackRecord, stopped: readonly RecordedProcess[]): string {
  const whose = `an earlier start (pid ${record.pid}, started ${record.startedAt}, ports ${record.ports.dynamodb} and ${record.ports.ses})`;
  return stopped.length
    ? `start: ${whose} ended without stopping; stopped what it left running: ${stopped.map(processText).join(', ')}`
    : `start: ${whose} ended without stopping; nothing of it was still running`;
}

/** Written beside the record and renamed over it, so a reader never sees half a record. */
export function writeStackRecord(dir: string, record: StackRecord): string {
  const file = join(dir, recordFileName(record.pid));
  const text = `${JSON.stringify(record, null, 2)}\n`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Removes a record and, once it holds no other, the folder: a clean stop leaves nothing in the temp dir. */
export function removeStackRecord(dir: string, ownerPid: number): void {
  rmSync(join(dir, recordFileName(ownerPid)), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // Another stack's record is in it, or it is gone already.
  }
}

/** Every record in the folder, with its file; a folder that does not exist holds none. */
export function readStackRecords(dir: string): { file: string; record: StackRecord }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => FILE.test(n))
    .flatMap((n) => {
      const file = join(dir, n);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return []; // its stack stopped meanwhile
      }
      return [{ file, record: parseStackRecord(file, text) }];
    });
}

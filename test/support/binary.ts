import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../infra/bin/failure-digest.js', import.meta.url));

// Every child carries this in its command line (node's --title), so a test can prove none outlived it.
export const MARKER = `fd-binary-test-${randomUUID().slice(0, 8)}`;

const SETTINGS = /^(AWS_|ADMIN_|WATCHDOG_|DDB_TABLE$|GSI_NAME$|SUMMARY_TABLE$|SES_|REPORT_|SEND_EMPTY$|SUMMARY_RETENTION_DAYS$|S3LOG_)/;

/** This process's environment without any AWS or failure-digest setting, plus `extra`: a new terminal. */
export function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SETTINGS.test(k)));
  return { ...env, ...extra };
}

export interface BinaryRun {
  readonly code: number | null;
  /** The signal that ended the child, if one did (then `code` is null). */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Called with the child once it runs, e.g. to close its stdout early. */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Called with each chunk of stdout, e.g. to answer a prompt. */
  readonly onStdout?: (chunk: string, child: ChildProcess) => void;
}

const running = new Set<ChildProcess>();

function nodeArgs(args: readonly string[]): string[] {
  return [`--title=${MARKER}`, BIN, ...args];
}

function run(file: string, args: readonly string[], options: RunOptions): Promise<BinaryRun> {
  const started = Date.now();
  // A process group of its own, so a test that gives up ends everything the child started.
  const child = spawn(file, args, { env: options.env, stdio: 'pipe', detached: true });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    options.onStdout?.(c, child);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  // Closing a pipe on purpose makes writes to the child's stdin fail: that is the test, not an error.
  child.stdin.on('error', () => {});
  child.stdout.on('error', () => {});
  options.onSpawn?.(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${args.join(' ')} did not end within ${options.timeoutMs ?? 20_000} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** `node infra/bin/failure-digest.js ...args` with pipes for its three streams. */
export function runBinary(args: readonly string[], options: RunOptions): Promise<BinaryRun> {
  return run(process.execPath, nodeArgs(args), options);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The binary on a pseudo-terminal (util-linux `script`): its stdin, stdout and stderr are
 * one terminal, and `stdout` of the result is what that terminal received, both streams mixed.
 */
export function runBinaryInPty(args: readonly string[], options: RunOptions): Promise<BinaryRun> {
  const command = `exec ${[process.execPath, ...nodeArgs(args)].map(shellQuote).join(' ')}`;
  return run('/usr/bin/script', ['-qfec', command, '/dev/null'], options);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Ends whatever a failed test left running, then lists any process of this file's children still there. */
export async function leftoverProcesses(): Promise<string[]> {
  const waits = [...running].map((c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('close', () => r()))));
  for (const c of running) killGroup(c);
  await Promise.all(waits);
  const found = spawnSync('pgrep', ['-af', MARKER], { encoding: 'utf8' });
  return found.stdout.split('\n').filter(Boolean);
}

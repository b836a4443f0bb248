import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { loadDigestConfig, type DigestConfig } from '../../shared/settings/components.ts';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { freePort } from '../../infra/local/free-port.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local.ts';
import { attachReadMeter, type ReadMeter } from './meter.ts';

export const BENCH_FROM = 'failure-digest@example.com';

/**
 * DynamoDB Local keeps an in-memory database in the JVM heap, whose default
 * (a quarter of the machine's memory) fills up with a 100,000-failure day,
 * its index and its stream, and then the JVM spends its time collecting
 * garbage. The java launcher reads extra options from JDK_JAVA_OPTIONS.
 */
const DYNAMODB_LOCAL_JAVA_OPTIONS = '-Xmx12g';

/**
 * DynamoDB Local's sqlite4java extracts its native library into
 * java.io.tmpdir on every start and never removes it: pointed into the
 * run's own folder, it goes when the folder does.
 */
const javaTmpOption = (dir: string) => `-Djava.io.tmpdir=${dir}`;

/** One DynamoDB Local with clients pointed at it and the SES emulator. */
export interface BenchDynamo {
  readonly clients: Clients;
  readonly meter: ReadMeter;
  /** Endpoints for child processes, which make their own clients. */
  readonly endpoints: { readonly dynamodb: string; readonly ses: string };
}

export interface BenchStack {
  readonly ses: SesLocal;
  /** The run's own folder, removed when the stack stops: whatever a phase writes goes in it. */
  readonly workDir: string;
  /** Stops a child process when the benchmark stops, whatever the reason. */
  track(child: ChildProcess): void;
  /**
   * Runs `fn` against a DynamoDB Local of its own, stopped afterwards. Every
   * phase gets a fresh one: DynamoDB Local writes slow down with every other
   * stream-enabled table it has held (even deleted ones), which would make
   * each phase pay for the ones before it.
   */
  withDynamoDb<T>(fn: (d: BenchDynamo) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The SES emulator for the whole run and DynamoDB Local per phase, owned by
 * this process: stopped on success, on error and on Ctrl-C (the JVM's whole
 * process group, so no Java outlives the benchmark).
 */
export async function startBenchStack(log: (m: string) => void): Promise<BenchStack> {
  const stops = new Set<() => Promise<void> | void>();
  const children = new Set<ChildProcess>();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const s of [...stops].reverse()) await s();
      stops.clear();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping DynamoDB Local, the SES emulator and child processes…`);
    void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.once(s, onSignal);
  stops.add(() => {
    for (const s of signals) process.removeListener(s, onSignal);
  });

  try {
    const workDir = await mkdtemp(join(tmpdir(), 'failure-digest-bench-'));
    stops.add(() => rm(workDir, { recursive: true, force: true }));
    const javaTmp = join(workDir, 'java-tmp');
    await mkdir(javaTmp);
    const ses = await startSesLocal({ port: await freePort() });
    stops.add(() => ses.stop());
    return {
      ses,
      workDir,
      track(child) {
        children.add(child);
        child.once('exit', () => children.delete(child));
      },
      async withDynamoDb(fn) {
        if (stopping) throw new Error('the benchmark is stopping');
        const previous = process.env['JDK_JAVA_OPTIONS'];
        process.env['JDK_JAVA_OPTIONS'] = [previous, DYNAMODB_LOCAL_JAVA_OPTIONS, javaTmpOption(javaTmp)].filter(Boolean).join(' ');
        const ddb = await startDynamoDbLocal({ port: await freePort() }).finally(() => {
          if (previous === undefined) delete process.env['JDK_JAVA_OPTIONS'];
          else process.env['JDK_JAVA_OPTIONS'] = previous;
        });
        const stopDdb = () => ddb.stop();
        stops.add(stopDdb);
        const clients = createClients({
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
          endpoints: { dynamodb: ddb.endpoint, streams: ddb.endpoint, ses: ses.endpoint },
        });
        try {
          return await fn({ clients, meter: attachReadMeter(clients.dynamodb), endpoints: { dynamodb: ddb.endpoint, ses: ses.endpoint } });
        } finally {
          destroyClients(clients);
          await ddb.stop();
          stops.delete(stopDdb);
        }
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The environment a function or CLI would read for one benchmark table pair. */
export function benchEnv(name: string, tz: string): Record<string, string> {
  return {
    DDB_TABLE: `bench-${name}-logs`,
    SUMMARY_TABLE: `bench-${name}-summary`,
    REPORT_TZ: tz,
    SES_FROM: BENCH_FROM,
    SES_TO: `ops-${name}@example.com`,
  };
}

export function benchConfig(name: string, tz: string): DigestConfig {
  return loadDigestConfig(benchEnv(name, tz));
}

export async function dropTables(clients: Clients, config: DigestConfig): Promise<void> {
  for (const TableName of [config.executionTable, config.summaryTable]) {
    await clients.dynamodb.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  }
}

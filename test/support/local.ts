import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createClients, type ClientOptions, type Clients } from '../../shared/aws/clients.ts';
import { loadDigestConfig, type DigestConfig } from '../../shared/settings/components.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-env.ts';
import { bareEnv } from './binary.ts';
import { startPipeline, type LocalMappingTiming, type Pipeline } from '../../infra/local/stack.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';

/** Real SDK clients pointed at the DynamoDB Local and SES emulator of this test run. */
export function testClients(options: Pick<ClientOptions, 'maxAttempts'> = {}): Clients {
  const ddb = inject('ddbEndpoint');
  return createClients({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoints: { dynamodb: ddb, streams: ddb, ses: inject('sesEndpoint'), sns: inject('sesEndpoint') },
    ...options,
  });
}

/** A configuration with tables and a recipient of its own, so test files never see each other's data. */
export function testConfig(env: Record<string, string> = {}): DigestConfig {
  const id = randomUUID().slice(0, 8);
  return loadDigestConfig({
    DDB_TABLE: `logs-${id}`,
    SUMMARY_TABLE: `summary-${id}`,
    SES_FROM: 'failure-digest@example.com',
    SES_TO: `ops-${id}@example.com`,
    // A test that is about waiting for capture asks for it.
    CAPTURE_WAIT_SECONDS: '0',
    ...env,
  });
}

/**
 * The variables a person exports for the local stack (`failure-digest start`
 * prints them), pointed at this run's emulators and `config`'s tables, in an
 * environment without any other AWS or failure-digest setting.
 */
export function localStackEnv(config: DigestConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const ddb = inject('ddbEndpoint');
  return bareEnv({
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: ddb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: ddb,
    AWS_ENDPOINT_URL_SESV2: inject('sesEndpoint'),
    AWS_ENDPOINT_URL_SNS: inject('sesEndpoint'),
    DDB_TABLE: config.executionTable,
    SUMMARY_TABLE: config.summaryTable,
    REPORT_TZ: config.reportTz,
    ...extra,
  });
}

export async function dropTables(clients: Clients, config: DigestConfig): Promise<void> {
  for (const TableName of [config.executionTable, config.summaryTable]) {
    await clients.dynamodb.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  }
}

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Base64 content, as the emulator keeps SES v2 attachments. */
  attachments?: { filename: string; contentType: string; contentDisposition: string; content: string; size: number }[];
}

/** The emails the SES emulator received for one recipient (GET /store). */
export async function mailbox(to: string): Promise<StoredEmail[]> {
  const res = await fetch(`${inject('sesEndpoint')}/store`);
  const store = (await res.json()) as { emails: StoredEmail[] };
  return store.emails.filter((e) => e.destination.to.includes(to));
}

export interface TestPipeline extends Pipeline {
  /** Where the pipeline writes the records that exhausted their retries, one JSON line each. */
  readonly onFailureFile: string;
  /**
   * Waits until every record written so far is captured, then runs a
   * heartbeat round and waits for it too: afterwards every finished day is
   * shown complete, as it would be on AWS some minutes after the day.
   */
  settle(timeoutMs?: number): Promise<void>;
}

/** Heartbeat rounds `settle` tries before it gives up. */
const SETTLE_ROUNDS = 5;

/**
 * The local pipeline on this run's DynamoDB Local, quick to react and quiet,
 * without the schedule, its status lines going to `options.log` if given.
 * Its on-failure file lives in a temp folder of its own, which `stop` removes.
 * With `functionClients`, the consumer and the digest use those (a test's
 * faults), and everything else `clients`.
 */
export async function startTestPipeline(
  clients: Clients,
  config: DigestConfig,
  options: { readonly functionClients?: Clients; readonly timing?: LocalMappingTiming; readonly log?: (line: string) => void } = {},
): Promise<TestPipeline> {
  const dir = await makeTempDir('fd-pipeline-');
  const onFailureFile = join(dir, 'on-failure.jsonl');
  try {
    const pipeline = await startPipeline({
      config,
      clients,
      functionClients: options.functionClients,
      onFailureFile,
      schedule: false,
      // Quicker to react than the deployed mapping, with the same retry count and semantics.
      mapping: { maxBatchingWindowMs: 100, pollIntervalMs: 50, retryBackoffMs: () => 10, ...options.timing },
      log: options.log ?? (() => {}),
      functionLogLevel: 'SILENT',
    });
    return {
      ...pipeline,
      onFailureFile,
      async settle(timeoutMs = 60_000) {
        await pipeline.poller.waitForIdle(timeoutMs);
        // A round can fail under injected faults; the schedule's next firing is another round, so try again.
        for (let attempt = 1; ; attempt += 1) {
          try {
            await pipeline.heartbeat();
            break;
          } catch (error) {
            if (attempt === SETTLE_ROUNDS) throw error;
          }
        }
        await pipeline.poller.waitForIdle(timeoutMs);
      },
      async stop() {
        await pipeline.stop();
        await removeTempDir(dir);
      },
    };
  } catch (e) {
    await removeTempDir(dir);
    throw e;
  }
}

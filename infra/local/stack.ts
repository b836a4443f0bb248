import { Logger } from '@aws-lambda-powertools/logger';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import type { SummaryStore } from '../../shared/summary/store.ts';
import { createDigestHandler, type DigestHandler } from '../../functions/digest/handler.ts';
import type { OnFailureHandler } from '../../functions/on-failure/handler.ts';
import { createStreamConsumerHandler, type StreamHandler } from '../../functions/stream-consumer/handler.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-env.ts';
import { localOnFailure } from './on-failure.ts';
import { startLocalSchedule, type LocalSchedule } from './scheduler.ts';
import { startSesLocal, type SesLocal } from './ses-local.ts';
import { createStreamPoller, type StreamPoller, type StreamPollerOptions } from './stream-poller.ts';
import { ensureLocalTables } from './tables.ts';

export interface PipelineOptions {
  readonly config: DigestConfig;
  readonly clients: Clients;
  /** Where records that exhausted their retries are written, one JSON line each. */
  readonly onFailureFile: string;
  /** Fire the digest daily at its local time in the report zone. @default true */
  readonly schedule?: boolean;
  /**
   * Timing of the local event source mapping. Everything else (batch size,
   * retry count, bisect, record age, filter) is the deployed `STREAM_MAPPING`.
   * @default the deployed batching window, polls every 200 ms, retries after 100 ms doubling
   */
  readonly mapping?: LocalMappingTiming;
  readonly log: (message: string) => void;
  /** Level of the functions' own JSON logs. @default 'WARN' */
  readonly functionLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** What the local stack may change about the mapping: when things happen, never what happens. */
export type LocalMappingTiming = Partial<Pick<StreamPollerOptions, 'maxBatchingWindowMs' | 'pollIntervalMs' | 'retryBackoffMs'>>;

export interface Pipeline {
  readonly store: SummaryStore;
  readonly poller: StreamPoller;
  readonly consumer: StreamHandler;
  /** Recovers what the mapping gives up on; called directly, where AWS has an SQS queue in between. */
  readonly recovery: OnFailureHandler;
  readonly digest: DigestHandler;
  readonly schedule: LocalSchedule | undefined;
  readonly streamArn: string;
  stop(): Promise<void>;
}

/**
 * Wires the functions as AWS would: tables from the shared definitions, the
 * stream consumer behind the local event source mapping, the digest on its
 * schedule.
 */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const { config, clients, log } = options;
  const tables = await ensureLocalTables(clients.dynamodb, config);
  const deps = digestDeps(clients, config);
  const { store } = deps;
  // A table created now with its stream: every item it will ever hold passes the consumer.
  if (tables.executionTableCreated) await store.ensureCoverage(config.reportTz, 0);

  const logger = new Logger({ serviceName: 'failure-digest', logLevel: options.functionLogLevel ?? 'WARN' });
  const consumer = createStreamConsumerHandler({ store, tz: config.reportTz, clock: Date.now, logger });
  const digest = createDigestHandler(deps, config, logger);

  const { recovery, onFailure } = localOnFailure({ clients, config, logger, file: options.onFailureFile, log });

  const poller = createStreamPoller({
    streams: clients.streams,
    streamArn: tables.streamArn,
    handler: consumer,
    onFailure,
    region: LOCAL_REGION,
    functionName: 'failure-digest-stream-consumer',
    ...options.mapping,
    log: (level, message, extra) => {
      if (level === 'warn' || level === 'error') log(`stream: ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`);
    },
  });
  poller.start();

  const schedule =
    options.schedule === false
      ? undefined
      : startLocalSchedule({
          tz: config.reportTz,
          at: config.reportAt,
          invoke: async (event) => {
            const res = await digest(event);
            log(`schedule: digest ${res.date} (${res.tz}) ${res.status}: ${res.count} failures from ${res.source}`);
          },
          log,
        });

  return {
    store,
    poller,
    consumer,
    recovery,
    digest,
    schedule,
    streamArn: tables.streamArn,
    async stop() {
      schedule?.stop();
      await poller.stop();
    },
  };
}

export interface LocalStackOptions extends Omit<PipelineOptions, 'clients'> {
  readonly dynamodbPort: number;
  readonly sesPort: number;
  /** Keep DynamoDB data here. @default in memory */
  readonly dataDir?: string | undefined;
}

export interface LocalStack extends Pipeline {
  readonly dynamodbEndpoint: string;
  readonly sesEndpoint: string;
  readonly clients: Clients;
}

/**
 * The whole system on this machine: DynamoDB Local (one shared database) and
 * the SES v2 emulator, with the pipeline on top. Whatever fails half-way is
 * stopped again, so no Java process outlives a failed start.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  };
  try {
    const ddb: DynamoDbLocal = await startDynamoDbLocal({ port: options.dynamodbPort, dataDir: options.dataDir });
    stops.push(() => ddb.stop());
    const ses: SesLocal = await startSesLocal({ port: options.sesPort });
    stops.push(() => ses.stop());
    const clients = createClients({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { dynamodb: ddb.endpoint, streams: ddb.endpoint, ses: ses.endpoint },
    });
    stops.push(() => destroyClients(clients));
    const pipeline = await startPipeline({ ...options, clients });
    stops.push(() => pipeline.stop());
    return { ...pipeline, dynamodbEndpoint: ddb.endpoint, sesEndpoint: ses.endpoint, clients, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

import { Logger } from '@aws-lambda-powertools/logger';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import type { HeartbeatRound } from '../../shared/summary/model/capture-evidence.ts';
import type { SummaryStore } from '../../shared/summary/store.ts';
import { createDigestHandler, type DigestHandler } from '../../functions/digest/handler.ts';
import { createWatchdogHandler, type WatchdogHandler } from '../../functions/watchdog/handler.ts';
import { laterBy } from '../../shared/settings/checks.ts';
import type { OnFailureHandler } from '../../functions/on-failure/handler.ts';
import { createStreamConsumerHandler, type StreamHandler } from '../../functions/stream-consumer/handler.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { startLocalHeartbeats } from './heartbeats.ts';
import { injectFaults, killThisProcess, type FaultInjector, type FaultPlan } from './faults.ts';
import { LOCAL_ADMIN_TOPIC_NAME, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-env.ts';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { localOnFailure } from './on-failure.ts';
import { startLocalSchedule, type LocalSchedule } from './scheduler.ts';
import { startSesLocal, type SesLocal } from './ses-local.ts';
import { assertPortFree } from './port-check.ts';
import { processCommand } from './port-holders.ts';
import { createStackRecorder, stopLeftovers } from './stack-leftovers.ts';
import { createStreamPoller, type StreamPoller, type StreamPollerOptions } from './stream-poller.ts';
import { ensureLocalTables } from './tables.ts';

export interface PipelineOptions {
  readonly config: DigestConfig;
  readonly clients: Clients;
  /** The clients of the functions themselves (the consumer, the digest), where faults go. @default `clients` */
  readonly functionClients?: Clients | undefined;
  /** Where records that exhausted their retries are written, one JSON line each. */
  readonly onFailureFile: string;
  /** Fire the digest daily at its local time in the report zone, and heartbeat rounds every few minutes. @default true */
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
  /** Checks a day was confirmed, `watchdogMarginMinutes` after the digest was due. */
  readonly watchdog: WatchdogHandler;
  readonly schedule: LocalSchedule | undefined;
  readonly streamArn: string;
  /** One heartbeat round now, as its schedule runs it. */
  heartbeat(): Promise<HeartbeatRound>;
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
  const { store } = digestDeps(clients, config, { drops: INLINE_DROPS });
  // A table created now with its stream: every item it will ever hold passes the consumer.
  if (tables.executionTableCreated) await store.ensureCoverage(config.reportTz, 0);

  const deps = digestDeps(options.functionClients ?? clients, config, { drops: INLINE_DROPS });
  const logger = new Logger({ serviceName: 'failure-digest', logLevel: options.functionLogLevel ?? 'WARN' });
  const consumer = createStreamConsumerHandler({ store: deps.store, evidence: deps.evidence, tz: config.reportTz, clock: Date.now, logger });
  const digest = createDigestHandler(deps, config, logger);
  const watchdog = createWatchdogHandler(deps, config, logger);

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
  const heartbeats = startLocalHeartbeats(
    { ...deps, doc: (options.functionClients ?? clients).doc, streams: clients.streams, streamArn: tables.streamArn, store: deps.evidence },
    { timer: options.schedule !== false, log },
  );

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

  const watchdogSchedule =
    options.schedule === false
      ? undefined
      : startLocalSchedule({
          tz: config.reportTz,
          at: laterBy(config.reportAt, config.watchdogMarginMinutes),
          // One firing: an unconfirmed day is told once, as the watchdog Lambda returns without error.
          maxAttempts: 1,
          invoke: async (event) => {
            const res = await watchdog(event);
            log(`watchdog: digest ${res.date} (${res.tz}) ${res.confirmed ? 'confirmed' : `NOT confirmed (${res.state ?? 'no ledger entry'})`}`);
          },
          log,
        });

  return {
    store,
    poller,
    consumer,
    recovery,
    digest,
    watchdog,
    schedule,
    streamArn: tables.streamArn,
    heartbeat: heartbeats.runRound,
    async stop() {
      schedule?.stop();
      watchdogSchedule?.stop();
      await heartbeats.stop();
      await poller.stop();
    },
  };
}

export interface LocalStackOptions extends Omit<PipelineOptions, 'clients' | 'functionClients'> {
  readonly dynamodbPort: number;
  readonly sesPort: number;
  /** Keep DynamoDB data here. @default in memory */
  readonly dataDir?: string | undefined;
  /** Faults for the functions' clients (`--fault`); the stack's own set-up and the demo writers get none. */
  readonly faults?: FaultPlan | undefined;
  /** Subscribed to the local alarm topic, as `adminTo` is on AWS: who reads the administrator notices. */
  readonly adminTo?: readonly string[];
  /**
   * Where this stack records its processes while it runs, and where the
   * leftovers of a start that ended without stopping are found and stopped first.
   * @default no record
   */
  readonly recordDir?: string | undefined;
}

export interface LocalStack extends Pipeline {
  readonly dynamodbEndpoint: string;
  readonly sesEndpoint: string;
  readonly clients: Clients;
  readonly faults: FaultInjector | undefined;
}

/**
 * The whole system on this machine: DynamoDB Local (one shared database) and
 * the SES v2 emulator, with the pipeline on top. Both ports must be free
 * before anything starts, and served by what it started once it has. Whatever
 * fails half-way is stopped again, so no Java process outlives a failed start.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  };
  const { recordDir, dynamodbPort, sesPort } = options;
  // A crashed start's DynamoDB Local would hold the port this one wants: stop it before looking.
  if (recordDir) await stopLeftovers(recordDir, options.log);
  await assertPortFree({ port: dynamodbPort, service: 'DynamoDB Local', flag: '--dynamodb-port' });
  await assertPortFree({ port: sesPort, service: 'SES v2 emulator', flag: '--ses-port' });
  try {
    const recorder = recordDir
      ? createStackRecorder(recordDir, {
          version: 1,
          pid: process.pid,
          command: processCommand(process.pid) ?? '',
          startedAt: new Date().toISOString(),
          ports: { dynamodb: dynamodbPort, ses: sesPort },
          dataDir: options.dataDir ?? null,
        })
      : undefined;
    // Removed last, once everything it lists has stopped.
    if (recorder) stops.push(() => recorder.remove());
    const ddb: DynamoDbLocal = await startDynamoDbLocal({ port: dynamodbPort, dataDir: options.dataDir, onSpawn: (ps) => recorder?.add(ps) });
    stops.push(() => ddb.stop());
    const ses: SesLocal = await startSesLocal({ port: sesPort, log: options.log });
    stops.push(() => ses.stop());
    const clientOptions = {
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { dynamodb: ddb.endpoint, streams: ddb.endpoint, ses: ses.endpoint, sns: ses.endpoint },
    };
    const clients = createClients(clientOptions);
    stops.push(() => destroyClients(clients));
    await createLocalAdminTopic(clients.sns, options.adminTo ?? []);
    const faulty = options.faults ? withFaults(createClients(clientOptions), options.faults, options.config, ddb) : undefined;
    if (faulty) stops.push(() => destroyClients(faulty.clients));
    const pipeline = await startPipeline({ ...options, clients, functionClients: faulty?.clients });
    stops.push(() => pipeline.stop());
    return { ...pipeline, dynamodbEndpoint: ddb.endpoint, sesEndpoint: ses.endpoint, clients, faults: faulty?.injector, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * Faults in a client set of their own. A crash takes DynamoDB Local down
 * with this process, as a power cut would, so that no Java outlives it.
 */
function withFaults(clients: Clients, plan: FaultPlan, config: DigestConfig, ddb: DynamoDbLocal): { clients: Clients; injector: FaultInjector } {
  const crash = () => {
    try {
      process.kill(-ddb.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    killThisProcess();
  };
  return { clients, injector: injectFaults(clients, plan, config, { crash }) };
}

/** The alarm topic and its e-mail subscriptions, as the deployed stack has them. */
export async function createLocalAdminTopic(sns: SNSClient, adminTo: readonly string[], name = LOCAL_ADMIN_TOPIC_NAME): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  for (const Endpoint of adminTo) await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint }));
  return TopicArn ?? '';
}

import { mkdir } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { STREAM_MAPPING } from '../../shared/capture/stream-mapping.ts';
import { digestEnv, loadAdminTo, loadDigestConfig } from '../../shared/settings/components.ts';
import { hhmm } from '../../shared/settings/checks.ts';
import { settingsEnv } from '../../shared/settings/read.ts';
import { writeDemoData } from '../local/demo.ts';
import { LOCAL_ADMIN_TOPIC_ARN, LOCAL_ADMIN_TOPIC_NAME, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/local-env.ts';
import { scheduledEvent } from '../local/scheduler.ts';
import { startLocalStack, type LocalStack } from '../local/stack.ts';
import type { Io } from './commands.ts';
import { UsageError } from './errors.ts';
import { faultCountsLine, faultLines, faultPlanOf, type FaultFlags } from './fault-options.ts';
import { isInjectedFault } from '../local/faults.ts';
import { defaultRecordDir } from '../local/stack-record.ts';

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new UsageError(`${name} "${value}" is not a TCP port (1 to 65535)`);
  return n;
}

/** Lambda's own range for `MaximumBatchingWindowInSeconds`, in ms. */
const MAX_BATCHING_WINDOW_MS = 300_000;

function batchingWindow(value: string | undefined): number {
  if (value === undefined) return STREAM_MAPPING.maximumBatchingWindowInSeconds * 1000;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > MAX_BATCHING_WINDOW_MS) {
    throw new UsageError(`--batching-window "${value}" is not a whole number of milliseconds from 0 to ${MAX_BATCHING_WINDOW_MS}`);
  }
  return n;
}

/** The local mapping as the status lines show it: the deployed settings, and the window if shortened. */
function mappingLine(windowMs: number): string {
  const m = STREAM_MAPPING;
  const deployedMs = m.maximumBatchingWindowInSeconds * 1000;
  const window = windowMs === deployedMs ? 'as deployed' : `--batching-window; ${deployedMs} ms deployed`;
  return `batch ${m.batchSize}, ${windowMs} ms window (${window}), ${m.maximumRetryAttempts} retries${m.bisectBatchOnFunctionError ? ', bisect on error' : ''}`;
}

// The emulator accepts any address; these make `npm start` work with no settings at all.
const LOCAL_MAIL_DEFAULTS = settingsEnv({ sesFrom: 'failure-digest@example.com', sesTo: ['ops-team@example.com'], adminTo: ['admin@example.com'] });
/** A report that did not go out is kept here unless REPORT_ARCHIVE says otherwise. */
const localArchive = (dataDir: string | undefined) => join(dataDir ?? resolve('.failure-digest'), 'reports');

// Quoted where a shell would split or expand: a sender may be `Reports <reports@example.com>`.
const shellAssignments = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${/^[\w@%+=:,./-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`}`)
    .join(' ');

export async function startCommand(
  io: Io,
  opts: { dynamodbPort: string; sesPort: string; dataDir?: string; runDir?: string; demo?: boolean; batchingWindow?: string } & FaultFlags,
): Promise<number> {
  const windowMs = batchingWindow(opts.batchingWindow);
  const dynamodbPort = port('--dynamodb-port', opts.dynamodbPort);
  const sesPort = port('--ses-port', opts.sesPort);
  if (dynamodbPort === sesPort) throw new UsageError(`--dynamodb-port and --ses-port are both ${sesPort}: each needs a port of its own`);
  const recordDir = opts.runDir
    ? resolve(opts.runDir)
    : defaultRecordDir({ xdgRuntimeDir: process.env['XDG_RUNTIME_DIR'], tmpdir: tmpdir(), uid: userInfo().uid });
  // No endpoint check: what start runs is local by construction.
  const faults = faultPlanOf(opts);
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  const env = { ...LOCAL_MAIL_DEFAULTS, ADMIN_TOPIC_ARN: LOCAL_ADMIN_TOPIC_ARN, REPORT_ARCHIVE: localArchive(dataDir), ...process.env };
  const config = loadDigestConfig(env);
  const adminTo = loadAdminTo(env);
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const onFailureFile = join(dataDir ?? join(tmpdir(), 'failure-digest'), 'on-failure.jsonl');

  let stack: LocalStack | undefined;
  let stopping: Promise<void> | undefined;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((r) => (wake = r));
  const shutdown = () => {
    stopping ??= (async () => {
      io.err('\nstopping the local stack…');
      if (stack?.faults) io.err(faultCountsLine(stack.faults));
      await stack?.stop();
      wake();
    })();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, shutdown);

  try {
    stack = await startLocalStack({
      config,
      dynamodbPort,
      sesPort,
      dataDir,
      recordDir,
      onFailureFile,
      mapping: { maxBatchingWindowMs: windowMs },
      faults,
      adminTo,
      log: (m) => io.err(m),
    });
    if (stopping) {
      await stack.stop();
      return 130;
    }
    const s = stack;
    const next = s.schedule?.nextRun();
    io.out(
      [
        'failure-digest local stack is up',
        `  DynamoDB Local (Streams, shared database, ${dataDir ? `data in ${dataDir}` : 'in memory'}): ${s.dynamodbEndpoint}`,
        `  SES v2 emulator: ${s.sesEndpoint}   mailbox: ${s.sesEndpoint}/   JSON: ${s.sesEndpoint}/store`,
        `  SNS (alarm topic ${LOCAL_ADMIN_TOPIC_NAME}, to ${adminTo.join(', ') || 'nobody'}, delivered to the mailbox): ${s.sesEndpoint}; reports that did not go out are kept in ${config.reportArchive}`,
        `  tables: ${config.executionTable} (GSI ${config.gsiName}, stream) and ${config.summaryTable}`,
        `  digest: every day at ${hhmm(config.reportAt)} ${config.reportTz}${next ? ` (next ${Temporal.Instant.fromEpochMilliseconds(next.getTime()).toZonedDateTimeISO(config.reportTz).toString({ timeZoneName: 'never' })})` : ''}, from ${config.sesFrom} to ${config.sesTo.join(', ')}`,
        `  stream mapping: ${mappingLine(windowMs)}; records it gives up on are read back from the stream by the on-failure function and listed in ${onFailureFile}`,
        ...(faults ? faultLines(faults, config).map((line) => `  ${line}`) : []),
        '',
        'Point the AWS CLI or your own code at it (in another terminal):',
        `  export AWS_REGION=${LOCAL_REGION} AWS_DEFAULT_REGION=${LOCAL_REGION} AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`,
        `  export AWS_ENDPOINT_URL_DYNAMODB=${s.dynamodbEndpoint} AWS_ENDPOINT_URL_DYNAMODB_STREAMS=${s.dynamodbEndpoint} AWS_ENDPOINT_URL_SESV2=${s.sesEndpoint} AWS_ENDPOINT_URL_SNS=${s.sesEndpoint}`,
        `  export ${shellAssignments(digestEnv(config))}`,
        `  aws dynamodb put-item --endpoint-url ${s.dynamodbEndpoint} --table-name ${config.executionTable} \\`,
        `    --item '{"pk":{"S":"my-job#run-1"},"status":{"S":"FAILED"},"event_ts":{"N":"'$(($(date +%s)*1000))'"},"message":{"S":"boom"}}'`,
        `  npx failure-digest digest --date $(date +%F) --dry-run`,
        '',
      ].join('\n'),
    );

    if (opts.demo) {
      const t0 = Date.now();
      const demo = await writeDemoData(s.clients.doc, config.executionTable, config.reportTz, Date.now(), config);
      io.err(`demo: wrote ${demo.items} runs (${demo.failed} FAILED) for ${demo.yesterday} and ${demo.today} so far; waiting for the stream consumer…`);
      if (demo.s3) io.err(`demo: read ${demo.s3.ingest.objects} S3 access log objects of s3://${demo.s3.bucket} for ${demo.yesterday}; uploads never completed: ${demo.s3.ingest.settled.uploads.incomplete}`);
      await s.poller.waitForIdle(120_000);
      // The days were written after they ended: a round now shows they are captured.
      await s.heartbeat();
      await s.poller.waitForIdle(120_000);
      io.err(`demo: captured in ${((Date.now() - t0) / 1000).toFixed(1)} s (${s.poller.stats.recordsDelivered} records delivered to the consumer)`);
      const today = Temporal.Now.plainDateISO(config.reportTz);
      const fireAt = today.toZonedDateTime({ timeZone: config.reportTz, plainTime: { hour: config.reportAt.hour, minute: config.reportAt.minute } });
      const res = await s.digest(scheduledEvent(fireAt.epochMilliseconds, 1, 'demo')).catch((e: unknown) => {
        // A failure asked for with --fault is what the person wants to see, and the stack stays up to look at it.
        if (!s.faults || !isInjectedFault(e)) throw e;
        io.out(`demo: the digest failed: ${(e as Error).name}: ${(e as Error).message}. Mailbox: ${s.sesEndpoint}/`);
        return undefined;
      });
      if (res) io.out(
        res.status === 'sent'
          ? `demo: sent the digest for ${res.date} (${res.tz}): ${res.count} failures, read from the ${res.source} table. Read it at ${s.sesEndpoint}/`
          : `demo: the digest for ${res.date} was ${res.status} (already sent earlier with this --data-dir; \`failure-digest digest --date ${res.date} --force\` resends). Mailbox: ${s.sesEndpoint}/`,
      );
    }
    if (!stopping) io.err('Ctrl-C stops everything.');
    await stopped;
    return 0;
  } catch (e) {
    // A start that failed before anything ran says only why: no "stopping" line before the error.
    if (stack) shutdown();
    await stopping;
    throw e;
  } finally {
    for (const s of signals) process.off(s, shutdown);
  }
}

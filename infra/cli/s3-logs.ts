import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createClients, destroyClients } from '../../shared/aws/clients.ts';
import { loadS3LogConfig } from '../../shared/settings/components.ts';
import { s3LogDeps } from '../../shared/s3logs/deps.ts';
import { ingestLogs, type LogSource } from '../../shared/s3logs/ingest.ts';
import { parseLogStream } from '../../shared/s3logs/read-lines.ts';
import type { AccessLogRecord } from '../../shared/s3logs/record.ts';
import { sweepUploads } from '../../shared/s3logs/sweep.ts';
import type { Io } from './commands.ts';
import { UsageError } from './errors.ts';

/** The documented fields first, in the order the issue lists them, then the rest of the line. */
export function recordJson(r: AccessLogRecord): Record<string, unknown> {
  return {
    bucket: r.bucket,
    time: r.time,
    remote_ip: r.remote_ip,
    requester: r.requester,
    request_id: r.request_id,
    operation: r.operation,
    key: r.key,
    request_uri: r.request_uri,
    http_status: r.http_status,
    error_code: r.error_code,
    bytes_sent: r.bytes_sent,
    object_size: r.object_size,
    total_time_ms: r.total_time_ms,
    turn_around_ms: r.turn_around_ms,
    referrer: r.referrer,
    user_agent: r.user_agent,
    version_id: r.version_id,
    failed: r.failed,
    bucket_owner: r.bucket_owner,
    host_id: r.host_id,
    signature_version: r.signature_version,
    cipher_suite: r.cipher_suite,
    authentication_type: r.authentication_type,
    host_header: r.host_header,
    tls_version: r.tls_version,
    access_point_arn: r.access_point_arn,
    acl_required: r.acl_required,
    source_region: r.source_region,
  };
}

async function checkReadable(path: string): Promise<void> {
  try {
    await stat(path);
  } catch (e) {
    throw new UsageError(`Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Files in the order given; a folder adds its files (recursively), sorted by name as S3 names logs by time. */
async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (e.isFile()) out.push(join(dir, e.name));
    }
  };
  for (const p of paths) {
    await checkReadable(p);
    if ((await stat(p)).isDirectory()) await walk(p);
    else out.push(p);
  }
  return out;
}

export async function parseCommand(io: Io, file: string, opts: { failed?: boolean }): Promise<number> {
  if (file !== '-') await checkReadable(file);
  const input = file === '-' ? process.stdin : createReadStream(file);
  let records = 0;
  let malformed = 0;
  // `parse big.log | head` closes the pipe early: io.out then throws, which ends the loop and closes the input.
  for await (const { lineNumber, result } of parseLogStream(input)) {
    if (!result.ok) {
      malformed += 1;
      io.err(JSON.stringify({ line: lineNumber, reason: result.reason }));
      continue;
    }
    records += 1;
    if (!opts.failed || result.record.failed) io.out(JSON.stringify(recordJson(result.record)));
  }
  io.err(`${records} records, ${malformed} malformed line${malformed === 1 ? '' : 's'}`);
  return malformed > 0 ? 3 : 0;
}

function cliS3Context() {
  const config = loadS3LogConfig(process.env);
  const clients = createClients(process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] ? {} : { region: 'us-east-1' });
  return { config, clients, deps: s3LogDeps(clients, config) };
}

export async function ingestCommand(io: Io, paths: readonly string[]): Promise<number> {
  const files = await expandPaths(paths);
  if (files.length === 0) throw new UsageError(`No log files in ${paths.join(', ')}`);
  const { clients, deps } = cliS3Context();
  try {
    const sources: LogSource[] = files.map((f) => ({ name: f, open: async () => createReadStream(f) }));
    const result = await ingestLogs(deps, sources, { onMalformed: (m) => io.err(JSON.stringify(m)) });
    // Uploads of earlier runs whose grace period has passed meanwhile.
    const sweep = await sweepUploads(deps, deps.clock());
    io.out(JSON.stringify({ ...result, sweep }));
    const u = result.settled.uploads;
    io.err(
      `read ${result.records} records from ${result.objects} file(s): ${result.failedRequests} failed requests outside uploads; ` +
        `uploads: ${u.completed} completed, ${u.incomplete} never completed, ${u.aborted} aborted, ${u['completed-late']} completed late, ${u.pending} within the grace period; ` +
        `${result.settled.itemsWritten + sweep.itemsWritten} FAILED items written to ${deps.failures.tableName}` +
        (result.malformed > 0 ? `; ${result.malformed} malformed lines skipped` : ''),
    );
    return result.malformed > 0 ? 3 : 0;
  } finally {
    destroyClients(clients);
  }
}

export async function sweepCommand(io: Io): Promise<number> {
  const { clients, deps } = cliS3Context();
  try {
    const sweep = await sweepUploads(deps, deps.clock());
    io.out(JSON.stringify(sweep));
    io.err(`judged ${sweep.openStarts} upload start(s) past the grace period; ${sweep.uploads.incomplete} never completed`);
    return 0;
  } finally {
    destroyClients(clients);
  }
}

/** `failure-digest s3-logs parse|ingest|sweep`. */
export function addS3LogCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const s3 = program.command('s3-logs').description('S3 server access logs: parse them, or read them into the execution-log table');
  s3.command('parse')
    .description('print each record of an access log (plain or gzip) as one JSON line; malformed lines go to stderr with their number')
    .argument('<file>', 'a log file, or - for standard input')
    .option('--failed', 'print only failed requests (status 400 and above)')
    .action(async (file: string, opts: { failed?: boolean }) => setExit(await parseCommand(io, file, opts)));
  s3.command('ingest')
    .description('read log files or folders into the execution-log table as FAILED items, judge multipart uploads, then sweep')
    .argument('<paths...>', 'log files or folders of them')
    .action(async (paths: string[]) => setExit(await ingestCommand(io, paths)));
  s3.command('sweep')
    .description('judge the multipart uploads whose grace period has passed (what the hourly schedule runs)')
    .action(async () => setExit(await sweepCommand(io)));
}

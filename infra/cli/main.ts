import { Command, CommanderError, Option } from 'commander';
import { checkCommand } from './check.ts';
import { captureCommand, digestCommand, reprocessCommand, windowCommand, type Io } from './commands.ts';
import { SETTINGS } from '../../shared/settings/settings.ts';
import { consoleIo } from './console-io.ts';
import { describeError, OutputClosedError } from './errors.ts';
import { faultOption, faultSeedOption } from './fault-options.ts';
import { addReplayCommand } from './replay.ts';
import { addS3LogCommands } from './s3-logs.ts';
import { oneLineUsageErrors } from './usage.ts';
import { packageVersion } from './version.ts';

// Commander ends its help and version texts with a newline; Io adds its own.
const chomp = (text: string) => text.replace(/\n$/, '');

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('failure-digest')
    .description('Which of your processes failed: stream capture, a daily digest by email, backfill, and a local stack.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(chomp(text)), writeErr: (text) => io.err(chomp(text)) });

  const tz = SETTINGS.reportTz;
  const tzOption = () => new Option(`${tz.flag} <zone>`, `IANA time zone of the report (default: ${tz.env} or ${tz.default})`);

  program
    .command('window')
    .description('print the report window of a local date as {"date","tz","start_ms","end_ms"}')
    .option('--date <YYYY-MM-DD>', 'report date (default: yesterday in the zone)')
    .addOption(tzOption())
    .action((opts) => windowCommand(io, opts));

  program
    .command('capture')
    .description('show what the stream consumer would capture from a Lambda DynamoDB Streams event file')
    .requiredOption('--event <file>', 'a DynamoDBStreamEvent JSON file')
    .option('--dry-run', 'print the entries (one JSON line each) and unreadable records on stderr')
    .addOption(tzOption())
    .action(async (opts) => setExit(await captureCommand(io, opts)));

  program
    .command('digest')
    .description("build and send one report day's digest (once per day unless --force)")
    .option('--date <YYYY-MM-DD>', 'report date (default: yesterday in the zone)')
    .addOption(tzOption())
    .option('--dry-run', 'send nothing and touch no ledger; also previews a day that is not over')
    .option('--json', 'print {"date","tz","start_ms","end_ms","source","complete","completeness","count","unreadable","status_variants","status","verdict","previous_day_count","avg_7d","by_source","groups"} as one line')
    .option('--out <dir>', 'write the email parts as report.txt and report.html')
    .option('--force', 'send even if this day was sent or is in doubt (never over a run that is sending it)')
    .addOption(new Option('--source <source>', 'read this source whatever the coverage says').choices(['summary', 'gsi']))
    .addOption(faultOption())
    .addOption(faultSeedOption())
    .action(async (opts) => setExit(await digestCommand(io, opts)));

  program
    .command('check')
    .description("ask SES whether the digest can be sent: sender identity and DKIM, sandbox and recipients, 24-hour quota (exit 1 when something blocks it)")
    .option('--json', 'print {"ready","problems","warnings","report"} as one line')
    .action(async (opts) => setExit(await checkCommand(io, opts)));

  program
    .command('reprocess')
    .description('rebuild the summary of a date range from the status/event_ts index (idempotent)')
    .requiredOption('--from <YYYY-MM-DD>', 'first report date')
    .requiredOption('--to <YYYY-MM-DD>', 'last report date (included)')
    .addOption(tzOption())
    .option('--send', "then send each day's digest (days already sent are skipped)")
    .option('--force', 'with --send: send even days already sent')
    .option('--yes', 'rebuild a range of more than 31 days, or send more than 7, without asking')
    .action(async (opts) => setExit(await reprocessCommand(io, opts)));

  program
    .command('resend')
    .description("send one day's digest again on purpose: a day in doubt, failed or already sent (never over a run that is sending it)")
    .requiredOption('--date <YYYY-MM-DD>', 'report date')
    .addOption(tzOption())
    .option('--json', 'print the digest as `digest --json` does')
    .option('--rebuild', 'render the day again, instead of sending the report kept when it did not go out')
    .action(async (opts) => setExit(await digestCommand(io, { ...opts, force: true, resend: true })));

  program
    .command('export')
    .description("write every failure of one report day as the digest's CSV, however many: what a day too large for one email points to")
    .option('--date <YYYY-MM-DD>', 'report date (default: yesterday in the zone)')
    .addOption(tzOption())
    .option('--out <file>', 'where to write it; gzip-compressed when it ends in .gz (default: failures-<date>.csv.gz)')
    .addOption(new Option('--source <source>', 'read this source whatever the coverage says').choices(['summary', 'gsi']))
    .action(async (opts) => {
      const { exportCommand } = await import('./export.ts');
      setExit(await exportCommand(io, opts));
    });

  addS3LogCommands(program, io, setExit);
  addReplayCommand(program, io, setExit);

  program
    .command('start')
    .description('run the local stack: DynamoDB Local with Streams, the SES v2 emulator, the stream consumer and the schedule')
    .option('--dynamodb-port <port>', 'DynamoDB Local port', '8000')
    .option('--ses-port <port>', 'SES v2 emulator port (mailbox at /)', '8005')
    .option('--data-dir <dir>', 'keep DynamoDB data in this folder (default: in memory)')
    .option('--run-dir <dir>', 'record the running processes here, and stop what a crashed start left here (default: $XDG_RUNTIME_DIR/failure-digest or <temp dir>/failure-digest-<uid>)')
    .option('--batching-window <ms>', "shorten the stream mapping's batching window, locally only (default: the deployed window)")
    .option('--demo', "write a realistic day of execution logs, wait for capture and send yesterday's digest")
    .addOption(faultOption())
    .addOption(faultSeedOption())
    .action(async (opts) => {
      const { startCommand } = await import('./start.ts');
      setExit(await startCommand(io, opts));
    });

  oneLineUsageErrors(program, io.err);
  return program;
}

export async function main(argv: readonly string[], io: Io = consoleIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (e) {
    // Help and --version end this way too, with 0; everything else Commander refuses is a usage error.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof OutputClosedError) return 0;
    const { message, exitCode: code } = describeError(e);
    io.err(`failure-digest: ${message}`);
    return code;
  }
}

import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench [-- --quick] [-- --publish] [-- --json FILE] [-- --send-window] [-- --digest-cost] [-- --memory]

  --quick      days of 1,000 and 10,000 failures, shorter loads and fewer rounds (about five minutes)
  --digest-cost  only the read units of a 100,000-failure digest, body and CSV, against the GSI query
  --memory     only the digest's peak memory at 300,000 and 1,000,000 failures a day, end to end,
               against the targets (256 and 512 MB); writes memory.json to test/bench/out/
  --send-window  only the send window: how long SES has accepted a digest before the send ledger
               records it (200 sends, under a minute); writes send-window.json to test/bench/out/
  --publish    also write the results to test/bench/results/ (tracked by git, shown in the README);
               full runs only
  --json FILE  also write the results as JSON to FILE
Every run writes latest.json and digest-read.svg to test/bench/out/ (ignored by git).`;

/** Where every run writes its results, relative to the repository. */
export const OUT_DIR = 'test/bench/out';
/** The results the README shows: only a full run with --publish replaces them. */
export const PUBLISHED_DIR = 'test/bench/results';

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export interface BenchOptions {
  readonly mode: 'full' | 'quick';
  readonly publish: boolean;
  readonly json: string | undefined;
  readonly help: boolean;
  /** Measure only the send window (test/bench/send-window.ts). */
  readonly sendWindow: boolean;
  /** Measure only the digest's read units (test/bench/digest-cost.ts). */
  readonly digestCost: boolean;
  /** Measure only the digest's peak memory on large days (test/bench/memory.ts). */
  readonly memory: boolean;
}

export function parseBenchArgs(args: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        quick: { type: 'boolean' },
        publish: { type: 'boolean' },
        json: { type: 'string' },
        'send-window': { type: 'boolean' },
        'digest-cost': { type: 'boolean' },
        memory: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new BenchUsageError(e instanceof Error ? e.message : String(e));
  }
  // A quick run measures fewer sizes with fewer rounds: it must never replace the published full results.
  if (values.quick && values.publish) throw new BenchUsageError('--publish needs a full run: drop --quick');
  if (values['send-window'] && (values.quick || values.publish)) throw new BenchUsageError('--send-window runs alone: drop --quick and --publish');
  if (values['digest-cost'] && (values.quick || values.publish || values['send-window'])) throw new BenchUsageError('--digest-cost runs alone: drop --quick, --publish and --send-window');
  if (values.memory && (values.quick || values.publish || values['send-window'] || values['digest-cost'])) {
    throw new BenchUsageError('--memory runs alone: drop --quick, --publish, --send-window and --digest-cost');
  }
  return {
    mode: values.quick ? 'quick' : 'full',
    publish: values.publish === true,
    json: values.json,
    help: values.help === true,
    sendWindow: values['send-window'] === true,
    digestCost: values['digest-cost'] === true,
    memory: values.memory === true,
  };
}

/** The folders a run writes latest.json and digest-read.svg to, relative to the repository. */
export function resultDirs(options: BenchOptions): string[] {
  return options.publish ? [OUT_DIR, PUBLISHED_DIR] : [OUT_DIR];
}

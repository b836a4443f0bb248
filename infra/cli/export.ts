import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { writeFailuresCsv } from '../../shared/digest/csv.ts';
import { chooseSource } from '../../shared/digest/source.ts';
import { queryFailedInWindow } from '../../shared/source/gsi.ts';
import { destroyClients } from '../../shared/aws/clients.ts';
import { templatesOf } from '../../shared/summary/model/day-group.ts';
import { dayWindow, previousDayOf } from '../../shared/time/report-day.ts';
import type { Io } from './commands.ts';
import { cliContext } from './context.ts';

export interface ExportFlags {
  date?: string;
  tz?: string;
  out?: string;
  source?: 'summary' | 'gsi';
}

/**
 * Every failure of one report day as the digest's CSV, written to a file as
 * it is read: the list a day too large for one email points to. It reads the
 * source the digest would (the summary when it is shown complete, else the
 * index), without waiting for capture.
 */
export async function exportCommand(io: Io, opts: ExportFlags): Promise<number> {
  const ctx = cliContext({ requireEmail: false, tz: opts.tz });
  try {
    const tz = ctx.config.reportTz;
    const window = dayWindow(opts.date ?? previousDayOf(Date.now(), tz), tz);
    const choice = opts.source ? { source: opts.source, note: `--source ${opts.source}` } : await chooseSource({ ...ctx.deps, captureWaitMs: 0 }, window);
    let entries: Iterable<FailureEntry> | AsyncIterable<FailureEntry>;
    if (choice.source === 'summary') {
      const [groups, infos] = await Promise.all([ctx.deps.store.readGroups(window.tz, window.date), ctx.deps.store.readGroupInfos(window.tz, window.date)]);
      entries = ctx.deps.store.streamDay(window.tz, window.date, { templates: templatesOf(groups, infos.values()) });
    } else {
      entries = (await queryFailedInWindow(ctx.clients.dynamodb, ctx.config.executionTable, ctx.config.gsiName, window, Date.now())).entries;
    }
    const path = opts.out ?? `failures-${window.date}.csv.gz`;
    // Written beside, then moved into place: an interrupted export leaves no half list that looks whole.
    const partial = `${path}.partial`;
    try {
      const rows = await writeFailuresCsv(entries, createWriteStream(partial), { tz: window.tz, gzip: path.endsWith('.gz') });
      await rename(partial, path);
      io.err(`wrote ${path}: ${rows.toLocaleString('en-US')} failure${rows === 1 ? '' : 's'} of ${window.date} (${window.tz}) from the ${choice.source === 'summary' ? 'summary' : 'index'}; ${choice.note}`);
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    }
    return 0;
  } finally {
    destroyClients(ctx.clients);
  }
}

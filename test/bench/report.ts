import { US_EAST_1_PRICES } from './cost.ts';
import { int, mb, num, textTable, usd, x } from './format.ts';
import { renderCaptureFaults } from './report-faults.ts';
import type { BenchResults } from './results.ts';
import { ratio } from './stats.ts';

const pct = (share: number) => `${num(share * 100)}%`;

/** The terminal report: every section of the benchmark as plain tables. */
export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  const h = (title: string) => out.push('', title);
  out.push(
    `failure-digest benchmark (${r.mode}) ${r.generated_at}`,
    `${r.machine.cpus} x ${r.machine.cpu_model}, ${num(r.machine.memory_gb)} GB, Node ${r.machine.node}; DynamoDB Local and the SES v2 emulator on this machine`,
  );

  h('Data: one report day per size, each in its own execution-log table');
  out.push(
    textTable(
      ['failures/day', 'FAILED share', 'real runs', 'SUCCESS:FAILED real', 'SUCCESS:FAILED written', 'table items', 'table MB', 'avg FAILED B', 'avg SUCCESS B', 'avg entry B', 'summary built by'],
      r.days.map((d) => [
        int(d.failures),
        pct(d.failed_share),
        int(d.real_runs),
        `${num(d.success_per_failure_real)}:1`,
        `${num(d.success_per_failure_written)}:1`,
        int(d.table_items),
        mb(d.table_bytes),
        int(d.avg_failed_item_bytes),
        int(d.avg_success_item_bytes),
        int(d.avg_summary_entry_bytes),
        d.summary_built_by === 'stream' ? 'stream (poller + consumer)' : 'reprocess (rebuildDay)',
      ]),
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  );

  const rounds = [...new Set(r.digest_read.map((d) => d.rounds))].join('/');
  h(`Digest read: the same day three ways, median of ${rounds} interleaved rounds (RCU by AWS rules from item sizes, eventually consistent)`);
  const sizes = [...new Set(r.digest_read.map((d) => d.failures))];
  const readRows: string[][] = [];
  for (const f of sizes) {
    const gsi = r.digest_read.find((d) => d.failures === f && d.method === 'gsi')!;
    for (const d of r.digest_read.filter((x) => x.failures === f)) {
      readRows.push([
        int(f),
        d.method === 'scan' ? 'scan (table as written)' : d.method,
        num(d.wall_ms),
        num(d.rcu),
        num(d.rcu_local),
        int(d.pages),
        mb(d.bytes),
        mb(d.bytes_read),
        d.method === 'gsi' ? '1x' : x(ratio(d.rcu, gsi.rcu)),
        d.method === 'gsi' ? '1x' : x(ratio(d.wall_ms, gsi.wall_ms)),
      ]);
    }
    const full = r.scan_full_day.find((s) => s.failures === f);
    if (full) {
      readRows.push([int(f), 'scan (extrapolated: full day)', num(full.wall_ms), num(full.rcu), '', int(full.pages), '', mb(full.table_bytes), x(ratio(full.rcu, gsi.rcu)), x(ratio(full.wall_ms, gsi.wall_ms))]);
    }
  }
  out.push(
    textTable(['failures/day', 'method', 'wall ms', 'RCU', 'RCU local', 'pages', 'MB sent', 'MB read', 'RCU vs gsi', 'wall vs gsi'], readRows, ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
    '  "RCU local" is what DynamoDB Local reported. The extrapolated scan scales the measured one by the bytes of a table holding every',
    '  run of the day (a scan is linear in table size); a table keeping N days of logs costs N times that.',
  );

  const c = r.capture_settings;
  h(
    `Capture: ${int(c.rate_per_s)} writes/s for ${c.duration_s} s, ${pct(c.failed_share)} FAILED, ` +
      `${c.burst ? `a ${c.burst.for_s} s burst at ${pct(c.burst.failed_share)} FAILED from ${c.burst.at_s} s` : 'no burst'}; ` +
      `local mapping batch ${c.mapping.batchSize}, window ${c.mapping.maxBatchingWindowMs} ms, poll ${c.mapping.pollIntervalMs} ms`,
  );
  const caps = [r.capture_before, r.capture, r.capture_no_window].filter((x) => x !== null);
  out.push(
    textTable(
      ['consumer', 'window ms', 'writes/s', 'FAILED', 'captured', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'invocations', 'records/inv', 'handler p50 ms', `drain records/s (${int(c.drain_records)})`],
      caps.map((k) => [
        k.consumer === 'parallel' ? 'parallel (current)' : 'sequential (before)',
        int(k.batching_window_ms),
        num(k.writes_per_s),
        int(k.failed_written),
        int(k.captured),
        num(k.lag_p50_ms),
        num(k.lag_p99_ms),
        num(k.lag_max_ms),
        int(k.invocations),
        num(k.records_per_invocation),
        num(k.handler_ms_p50),
        num(k.records_per_s),
      ]),
      ['l'],
    ),
    '  Lag: from the writer\'s acknowledged write to the consumer\'s completed summary write (DynamoDB Local rounds the stream\'s own',
    '  timestamps to the minute). The deployed mapping waits up to 5 s to fill a batch, so on AWS a lone failure is captured in about',
    '  5 s plus the write; a burst fills batches of 100 and goes faster.',
  );
  if (r.capture_faults) {
    const faults = renderCaptureFaults(r.capture_faults);
    h(faults.title);
    out.push(...faults.lines);
  }

  h('End to end: one digest per day size, each run in a fresh process, email through the SES emulator with the CSV attached');
  const e2eRows = [...r.e2e, ...r.e2e_gsi].sort((a, b) => a.failures - b.failures || (a.source === 'summary' ? -1 : 1));
  out.push(
    textTable(
      ['failures/day', 'source', 'wall ms', 'with process start ms', 'peak RSS MB', 'email bytes', 'attachment bytes', 'processes shown'],
      e2eRows.map((e) => [
        int(e.failures),
        e.source === 'summary' ? 'summary (design)' : 'gsi (today)',
        num(e.wall_ms),
        num(e.process_ms),
        num(e.peak_rss_mb),
        int(e.email_bytes),
        int(e.attachment_bytes ?? 0),
        `${Math.min(e.groups, 100)} of ${e.groups}`,
      ]),
      ['r', 'l'],
    ),
    `  A process that loads the same code and reads nothing peaks at ${num(r.e2e_baseline_rss_mb)} MB.`,
  );
  const cap = r.e2e_heap_capped;
  if (cap) {
    out.push(
      cap.completed
        ? `  The ${int(cap.failures)}-failure summary digest with the V8 heap capped (--max-old-space-size=${cap.heap_cap_mb}): ${num(cap.wall_ms)} ms, peak RSS ${num(cap.peak_rss_mb)} MB.`
        : `  The ${int(cap.failures)}-failure summary digest with the V8 heap capped (--max-old-space-size=${cap.heap_cap_mb}) did not complete: ${cap.error ?? 'unknown error'}.`,
    );
  }

  h('Lambda bundles (esbuild with the CDK options: ESM, minified, SDK bundled), import in a fresh node process, median');
  out.push(
    textTable(
      ['function', 'bundle bytes', 'gzip bytes', 'source map bytes', 'import ms', 'import ms --enable-source-maps'],
      r.bundle_details.map((b) => [b.name, int(b.bytes), int(b.gzip_bytes), int(b.map_bytes), num(b.import_ms), num(b.import_ms_source_maps)]),
    ),
  );

  h(`Cost on paper, per month (${US_EAST_1_PRICES.region} on-demand list prices, 30 days, no free tier)`);
  for (const est of r.cost.estimates) {
    out.push(`  ${int(est.executionsPerDay)} executions/day, ${int(est.failuresPerDay)} failures/day`);
    out.push(
      textTable(
        ['', 'this design', 'GSI only', 'basis'],
        [
          ...est.lines.map((l) => [l.item, usd(l.design), usd(l.gsiOnly), l.basis]),
          ['total', usd(est.design), usd(est.gsiOnly), `difference ${usd(est.difference)} (${num((est.difference / est.gsiOnly) * 100)}%)`],
        ],
        ['l', 'r', 'r', 'l'],
      ),
    );
  }
  out.push(...r.cost.assumptions.map((a) => `  ${a}`));
  out.push(`  Prices: WRU $${US_EAST_1_PRICES.wruPerMillion}/M, RRU $${US_EAST_1_PRICES.rruPerMillion}/M, storage $${US_EAST_1_PRICES.storagePerGbMonth}/GB-month, Lambda arm64 $${US_EAST_1_PRICES.lambdaPerGbSecond}/GB-s and $${US_EAST_1_PRICES.lambdaRequestsPerMillion}/M requests.`);
  out.push(...US_EAST_1_PRICES.sources.map((s) => `  Source: ${s}`));

  h('Targets');
  out.push(textTable(['target', 'measured', 'result'], r.targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? `MET` : `MISSED: ${t.detail.replace(/^missed: /, '')}`]), ['l', 'l', 'l']));
  if (r.notes.length > 0) {
    h('Notes');
    out.push(...r.notes.map((n) => `  - ${n}`));
  }
  out.push('', `Finished in ${num(r.elapsed_s)} s.`);
  return `${out.join('\n')}\n`;
}

/**
 * Monthly cost on paper of this design and of the GSI-only report users run
 * today, from capacity units and durations the benchmark measured. Pure.
 */

export interface Prices {
  /** On-demand write request units, USD per million. */
  readonly wruPerMillion: number;
  /** On-demand read request units, USD per million. */
  readonly rruPerMillion: number;
  /** Standard table class storage, USD per GB-month. */
  readonly storagePerGbMonth: number;
  /** Lambda duration on arm64 (what the stack deploys), USD per GB-second, first pricing tier. */
  readonly lambdaPerGbSecond: number;
  /** Lambda requests, USD per million. */
  readonly lambdaRequestsPerMillion: number;
}

/** us-east-1 list prices, on-demand (after the 2024-11-01 on-demand price cut), no free tier. */
export const US_EAST_1_PRICES: Prices & { readonly region: string; readonly sources: readonly string[] } = {
  region: 'us-east-1',
  wruPerMillion: 0.625,
  rruPerMillion: 0.125,
  storagePerGbMonth: 0.25,
  lambdaPerGbSecond: 0.0000133334,
  lambdaRequestsPerMillion: 0.2,
  sources: [
    'https://aws.amazon.com/dynamodb/pricing/on-demand/ (write $0.625 and read $0.125 per million request units, storage $0.25 per GB-month; GetRecords calls made by Lambda triggers are free)',
    'https://aws.amazon.com/lambda/pricing/ (arm64 $0.0000133334 per GB-second, $0.20 per million requests)',
  ],
};

export const DAYS_PER_MONTH = 30;
const GB = 1024 ** 3;

export interface CostInputs {
  readonly executionsPerDay: number;
  /** Share of executions that fail, e.g. 0.01. */
  readonly failureShare: number;
  /** Mean write units of one execution-log write, per status (measured item sizes). */
  readonly wruPerSuccess: number;
  readonly wruPerFailure: number;
  /** The status/event_ts GSI projects ALL attributes, so each base write is also an index write of the same size. */
  readonly gsiWruPerSuccess: number;
  readonly gsiWruPerFailure: number;
  readonly summaryWruPerEntry: number;
  readonly summaryEntryBytes: number;
  readonly summaryRetentionDays: number;
  /** Read units of one day's digest read, per failure of the day (measured). */
  readonly summaryRruPerFailure: number;
  readonly gsiRruPerFailure: number;
  /** Duration of one stream-consumer invocation (measured): a fixed part plus a part per record; and its memory. */
  readonly consumerMsFixed: number;
  readonly consumerMsPerRecord: number;
  readonly consumerMemoryMb: number;
  /** The deployed event source mapping. */
  readonly batchingWindowS: number;
  readonly batchSize: number;
  /** Duration of one daily digest run per source (measured end to end), and its memory. */
  readonly digestMsSummary: number;
  readonly digestMsGsi: number;
  readonly digestMemoryMb: number;
}

export interface CostLine {
  readonly item: string;
  /** Monthly USD in this design. */
  readonly design: number;
  /** Monthly USD in the GSI-only approach. */
  readonly gsiOnly: number;
  /** What the line is made of, for the reader. */
  readonly basis: string;
}

export interface CostEstimate {
  readonly executionsPerDay: number;
  readonly failuresPerDay: number;
  readonly lines: readonly CostLine[];
  readonly design: number;
  readonly gsiOnly: number;
  /** Design minus GSI-only: positive means this design costs more. */
  readonly difference: number;
}

/**
 * Invocations a day of the stream consumer. Only FAILED writes pass the
 * mapping's filter; a batch closes when it is full or when the batching
 * window, opened by its first record, ends. With failures spread evenly a
 * batch holds its first record plus what arrives in the window; bursts make
 * batches larger, so this errs on the side of more invocations.
 */
export function consumerInvocationsPerDay(failuresPerDay: number, batchingWindowS: number, batchSize: number): number {
  if (failuresPerDay <= 0) return 0;
  const perBatch = Math.min(batchSize, 1 + (failuresPerDay / 86_400) * batchingWindowS);
  return failuresPerDay / perBatch;
}

function lambdaCost(invocations: number, ms: number, memoryMb: number, p: Prices): { requests: number; duration: number } {
  const billedMs = Math.ceil(ms);
  return {
    requests: (invocations / 1e6) * p.lambdaRequestsPerMillion,
    duration: invocations * (billedMs / 1000) * (memoryMb / 1024) * p.lambdaPerGbSecond,
  };
}

export function monthlyCost(inputs: CostInputs, p: Prices = US_EAST_1_PRICES): CostEstimate {
  const m = DAYS_PER_MONTH;
  const e = inputs.executionsPerDay;
  const f = e * inputs.failureShare;
  const s = e - f;
  const wru = (units: number) => (units / 1e6) * p.wruPerMillion;
  const rru = (units: number) => (units / 1e6) * p.rruPerMillion;

  const base = wru(m * (s * inputs.wruPerSuccess + f * inputs.wruPerFailure));
  const gsi = wru(m * (s * inputs.gsiWruPerSuccess + f * inputs.gsiWruPerFailure));
  const invocations = consumerInvocationsPerDay(f, inputs.batchingWindowS, inputs.batchSize);
  const recordsPerInvocation = invocations > 0 ? f / invocations : 0;
  const consumerMs = Math.max(1, inputs.consumerMsFixed + inputs.consumerMsPerRecord * recordsPerInvocation);
  const consumer = lambdaCost(m * invocations, consumerMs, inputs.consumerMemoryMb, p);
  const summaryWrites = wru(m * f * inputs.summaryWruPerEntry);
  // Steady state: retentionDays of entries are kept (TTL deletes are free).
  const storedGb = (f * inputs.summaryRetentionDays * (inputs.summaryEntryBytes + 100)) / GB;
  const summaryStorage = storedGb * p.storagePerGbMonth;
  const digestDesign = lambdaCost(m, inputs.digestMsSummary, inputs.digestMemoryMb, p);
  const digestGsi = lambdaCost(m, inputs.digestMsGsi, inputs.digestMemoryMb, p);

  const lines: CostLine[] = [
    { item: 'execution-log writes (same in both)', design: base, gsiOnly: base, basis: `${fmt(inputs.wruPerSuccess)} WRU per SUCCESS, ${fmt(inputs.wruPerFailure)} per FAILED write` },
    { item: 'status/event_ts GSI writes (same in both)', design: gsi, gsiOnly: gsi, basis: 'ALL projection: every write is also an index write' },
    { item: 'stream consumer Lambda requests', design: consumer.requests, gsiOnly: 0, basis: `${Math.round(invocations).toLocaleString('en-US')} invocations/day of ${fmt(recordsPerInvocation)} records (${inputs.batchingWindowS} s window, batch ${inputs.batchSize}); stream reads by Lambda are free` },
    { item: 'stream consumer Lambda duration', design: consumer.duration, gsiOnly: 0, basis: `${Math.ceil(consumerMs)} ms per invocation at ${inputs.consumerMemoryMb} MB` },
    { item: 'summary writes', design: summaryWrites, gsiOnly: 0, basis: `${fmt(inputs.summaryWruPerEntry)} WRU per FAILED write` },
    { item: 'summary storage', design: summaryStorage, gsiOnly: 0, basis: `${fmt(storedGb)} GB (${inputs.summaryRetentionDays} days of entries)` },
    { item: 'daily digest read', design: rru(m * f * inputs.summaryRruPerFailure), gsiOnly: rru(m * f * inputs.gsiRruPerFailure), basis: 'summary partition vs GSI query, eventually consistent' },
    { item: 'digest Lambda (1 run a day)', design: digestDesign.requests + digestDesign.duration, gsiOnly: digestGsi.requests + digestGsi.duration, basis: `${Math.ceil(inputs.digestMsSummary)} ms vs ${Math.ceil(inputs.digestMsGsi)} ms at ${inputs.digestMemoryMb} MB` },
  ];
  const design = lines.reduce((t, l) => t + l.design, 0);
  const gsiOnly = lines.reduce((t, l) => t + l.gsiOnly, 0);
  return { executionsPerDay: e, failuresPerDay: f, lines, design, gsiOnly, difference: design - gsiOnly };
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2).replace(/\.?0+$/, '') : n.toPrecision(2);
}

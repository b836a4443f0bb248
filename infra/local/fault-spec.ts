import { closest, distance } from 'fastest-levenshtein';
import { FAULT_KINDS, isFaultKind, type FaultKind } from './fault-kinds.ts';
import { MAX_SEED, randomSeed } from './seeded-random.ts';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** The share of the kind's SDK attempts that fail, from 0 to 1. */
  readonly rate: number;
}

export interface FaultPlan {
  readonly faults: readonly FaultSpec[];
  /** Decides which attempts fail: the same seed, the same attempts. */
  readonly seed: number;
}

/** A `--fault` or `--fault-seed` value that cannot be used; the message says which and why. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const KINDS = `the kinds are ${FAULT_KINDS.join(', ')}`;
// A decimal, as a person writes a share: 0, 1, 0.2, .05; not 1e-1, 0x1 or Infinity.
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

function parseOne(value: string): FaultSpec {
  const at = value.indexOf('=');
  const kind = (at < 0 ? value : value.slice(0, at)).trim();
  if (!isFaultKind(kind)) {
    const best = closest(kind, FAULT_KINDS);
    // A suggestion only for a typo, not for a word that merely shares letters with a kind.
    const hint = kind && distance(kind, best) <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean ${best}?)` : '';
    throw new FaultSpecError(`--fault "${value}": no fault kind "${kind}"${hint}; ${KINDS}`);
  }
  if (at < 0) throw new FaultSpecError(`--fault "${value}" has no rate: write KIND=RATE, e.g. ${kind}=0.2; ${KINDS}`);
  const text = value.slice(at + 1).trim();
  const rate = Number(text);
  if (!DECIMAL.test(text) || rate > 1) {
    throw new FaultSpecError(`--fault "${value}": rate "${text}" is not a number from 0 to 1 (the share of attempts that fail); ${KINDS}`);
  }
  return { kind, rate };
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > MAX_SEED) throw new FaultSpecError(`--fault-seed "${value}" is not a whole number from 0 to ${MAX_SEED}`);
  return n;
}

/**
 * The faults of `--fault KIND=RATE` (repeatable) and `--fault-seed N`;
 * `undefined` when none is asked for. Without a seed, one is drawn (and
 * printed by the caller, so the run can be repeated).
 */
export function parseFaultPlan(values: readonly string[], seed?: string, drawSeed: () => number = randomSeed): FaultPlan | undefined {
  const faults = values.map(parseOne);
  const seen = new Map<FaultKind, FaultSpec>();
  for (const f of faults) {
    const earlier = seen.get(f.kind);
    if (earlier) throw new FaultSpecError(`--fault ${f.kind} is given twice (${earlier.rate} and ${f.rate}); give each kind once`);
    seen.set(f.kind, f);
  }
  if (faults.length === 0) {
    if (seed !== undefined) throw new FaultSpecError(`--fault-seed ${seed} needs at least one --fault KIND=RATE; ${KINDS}`);
    return undefined;
  }
  return { faults, seed: seed === undefined ? drawSeed() : parseSeed(seed) };
}

/** `summary-write=0.2, ses-timeout=1`: the plan as the flags spell it. */
export const faultFlags = (plan: FaultPlan): string => plan.faults.map((f) => `${f.kind}=${f.rate}`).join(', ');

/** Numbers in [0, 1), the same sequence for the same seed on every machine and Node version. */
export type Random = () => number;

/**
 * mulberry32: 32 bits of state, fast, and even enough to decide which
 * attempts fail. Not for anything secret.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A seed of its own for each name (FNV-1a of the name, mixed with the seed),
 * so that turning one fault kind on does not change the attempts another kind hits.
 */
export function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5;
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return (hash ^ seed) >>> 0;
}

export const MAX_SEED = 2 ** 32 - 1;

/** A seed for a run nobody gave one: printed, so the run can be repeated. */
export const randomSeed = (): number => Math.floor(Math.random() * (MAX_SEED + 1));

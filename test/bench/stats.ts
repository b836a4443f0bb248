/** Small statistics for the benchmark: pure, no dependencies. */

/**
 * The p-th percentile (0 to 100) by linear interpolation between the closest
 * ranks, the definition NumPy and most spreadsheets use by default.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** `a / b`, or NaN when `b` is zero, so a ratio never shows as Infinity in a report. */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

/**
 * Round `r` of a side-by-side comparison runs the methods starting at
 * `r mod n`, so each method runs first, second and last equally often and a
 * slow phase of a noisy machine does not always hit the same one.
 */
export function rotation<T>(methods: readonly T[], round: number): T[] {
  const n = methods.length;
  const start = ((round % n) + n) % n;
  return [...methods.slice(start), ...methods.slice(0, start)];
}

/** Least-squares line through the points: `y = intercept + slope * x`. One distinct x gives a flat line through the mean. */
export function fitLine(points: readonly (readonly [number, number])[]): { intercept: number; slope: number } {
  if (points.length === 0) return { intercept: Number.NaN, slope: Number.NaN };
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  if (sxx === 0) return { intercept: my, slope: 0 };
  const slope = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
  return { intercept: my - slope * mx, slope };
}

/** Plain-text tables and number formats for the terminal report. Pure. */

export type Align = 'l' | 'r';

export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (s: string, i: number) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? s.padEnd(widths[i]!) : s.padStart(widths[i]!));
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => cell(c, i)).join('  ')}`.trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

/** Up to 3 significant digits, without exponent for the sizes this report shows. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a >= 1000) return int(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  if (a === 0) return '0';
  return n.toPrecision(2);
}

export const mb = (bytes: number) => num(bytes / 1e6);
export const x = (r: number) => (Number.isFinite(r) ? `${num(r)}x` : '-');

export function usd(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  const s = a >= 100 ? a.toFixed(0) : a >= 1 ? a.toFixed(2) : a >= 0.01 ? a.toFixed(3) : a === 0 ? '0' : a.toFixed(4);
  return `${n < 0 ? '-' : ''}$${s}`;
}

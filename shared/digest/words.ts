/** `1 failure`, `2,345 failures`: a count with its noun, thousands grouped. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** A count as the email writes it: thousands grouped. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** An average or ratio: one decimal below 10 (`2.5`, `4`), whole above. */
export function decimal(n: number): string {
  return n >= 10 ? count(Math.round(n)) : count(Math.round(n * 10) / 10);
}

/**
 * IAM's StringLike: the whole value must match, case-sensitively; `*`
 * stands for any run of characters (none included) and `?` for exactly one.
 * Everything else is literal.
 */
export function stringLike(pattern: string, value: string): boolean {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'su').test(value);
}

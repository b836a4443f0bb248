/**
 * What a terminal shows after receiving `bytes`: just enough of one for what the CLI
 * and readline send (CR, LF, erase in line and below, cursor to a column, colours).
 */
export function screen(bytes: string): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  const line = () => (rows[row] ??= []);
  for (let i = 0; i < bytes.length; i += 1) {
    const c = bytes[i]!;
    if (c === '\x1b') {
      const m = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(bytes.slice(i, i + 16));
      if (!m) continue;
      i += m[0].length - 1;
      const n = Number(m[1] || 0);
      if (m[2] === 'K' && n === 0) line().length = col;
      else if (m[2] === 'J' && n === 0) {
        line().length = col;
        rows.length = row + 1;
      } else if (m[2] === 'G') col = Math.max(0, (n || 1) - 1);
      else if (m[2] === 'C') col += n || 1;
      else if (m[2] === 'D') col = Math.max(0, col - (n || 1));
      continue;
    }
    if (c === '\r') col = 0;
    else if (c === '\n') {
      row += 1;
      line();
    } else {
      const l = line();
      while (l.length < col) l.push(' ');
      l[col] = c;
      col += 1;
    }
  }
  const text = rows.map((r) => (r ?? []).join('').trimEnd());
  while (text.length > 0 && text[text.length - 1] === '') text.pop();
  return text;
}

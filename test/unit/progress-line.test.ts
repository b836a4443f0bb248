import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../infra/cli/progress-line.ts';
import { screen } from '../support/terminal.ts';

/** stdout and stderr on one terminal, whose line discipline turns LF into CR LF. */
function terminal() {
  let bytes = '';
  const write = (chunk: string) => (bytes += chunk);
  return { write, shown: () => screen(bytes.replace(/\n/g, '\r\n')) };
}

describe('ProgressLine', () => {
  it('keeps lines written around it whole, with the progress below them', () => {
    const tty = terminal();
    const progress = new ProgressLine(tty.write);
    progress.show('[1/2] first day');
    progress.print(() => tty.write('{"day":1}\n'));
    progress.show('[2/2] second day');
    progress.print(() => tty.write('{"day":2}\n'));
    expect(tty.shown()).toEqual(['{"day":1}', '{"day":2}', '[2/2] second day']);
  });

  it('an empty progress clears it, and it is not drawn again', () => {
    const tty = terminal();
    const progress = new ProgressLine(tty.write);
    progress.show('[1/1] a long line of progress');
    progress.show('');
    progress.print(() => tty.write('done\n'));
    expect(tty.shown()).toEqual(['done']);
  });

  it('writes nothing of its own while nothing was shown', () => {
    const chunks: string[] = [];
    const progress = new ProgressLine((c) => chunks.push(c));
    progress.show('');
    progress.print(() => chunks.push('line\n'));
    expect(chunks).toEqual(['line\n']);
  });
});

describe('screen', () => {
  it('renders carriage returns, erase in line and colours as a terminal does', () => {
    expect(screen('abc\rX\r\n\x1b[33mtrue\x1b[39m\r\nlong line\r\x1b[Kshort\r\n')).toEqual(['Xbc', 'true', 'short']);
  });
});

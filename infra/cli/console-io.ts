import { createInterface } from 'node:readline';
import type { Io } from './commands.ts';
import { OutputClosedError } from './errors.ts';
import { ProgressLine } from './progress-line.ts';

function ask(question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    let answer = '';
    // Ctrl-D or Ctrl-C at the prompt is a no, not a hang.
    rl.on('close', () => resolve(/^y(es)?$/i.test(answer.trim())));
    rl.on('SIGINT', () => rl.close());
    rl.question(`${question} `, (a) => {
      answer = a;
      rl.close();
    });
  });
}

/**
 * The process's own streams. When the reader of stdout goes away (`… | head`), the
 * write that fails reports it asynchronously; the command's next line to stdout then
 * stops it, at a point between two units of work, never in the middle of a send.
 */
export function consoleIo(): Io {
  let stdoutClosed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutClosed = true;
  });
  // With 2>&1 into the same pipe, stderr goes with it: there is nobody left to tell.
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });

  const isTTY = process.stderr.isTTY === true;
  const progress = new ProgressLine((chunk) => process.stderr.write(chunk));
  return {
    out: (line) => {
      if (stdoutClosed) throw new OutputClosedError();
      const write = () => process.stdout.write(`${line}\n`);
      // Only a stdout on the same terminal runs into the status line.
      if (process.stdout.isTTY) progress.print(write);
      else write();
    },
    err: (line) => progress.print(() => process.stderr.write(`${line}\n`)),
    isTTY,
    ...(isTTY ? { progress: (line: string) => progress.show(line) } : {}),
    // A question needs someone to see it and a keyboard to answer it.
    ...(isTTY && process.stdin.isTTY ? { confirm: ask } : {}),
  };
}

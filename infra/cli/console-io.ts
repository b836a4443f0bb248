import type { Io } from './commands.ts';
import { OutputClosedError } from './errors.ts';

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

  return {
    out: (line) => {
      if (stdoutClosed) throw new OutputClosedError();
      process.stdout.write(`${line}\n`);
    },
    err: (line) => process.stderr.write(`${line}\n`),
    isTTY: process.stderr.isTTY === true,
  };
}

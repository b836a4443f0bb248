import { spawn } from 'node:child_process';

/**
 * Node cannot ask the kernel to signal a child when its parent dies (Linux
 * `PR_SET_PDEATHSIG`), and the JVM does not notice on its own. So a tiny
 * shell, in a session of its own, holds the read end of a pipe from this
 * process and ignores the signals a terminal or a group kill would send it.
 * The pipe reaches end of file only when this process is gone, however it
 * ended (kill -9 included); the shell then stops the watched process group:
 * TERM, up to 5 s, then KILL.
 */
const SCRIPT = [
  `trap '' INT HUP TERM QUIT`,
  `while read -r _; do :; done`,
  `kill -TERM "-$1" 2>/dev/null || exit 0`,
  `i=0; while kill -0 "-$1" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done`,
  `kill -KILL "-$1" 2>/dev/null`,
  `exit 0`,
].join('\n');

export interface ParentWatch {
  readonly pid: number;
  /** The watcher's command line, as `processCommand` reads it back. */
  readonly command: string;
  /** Ends the watcher without touching the group: the stack stops (or stopped) it itself. */
  release(): void;
}

/** Starts a watcher that stops process group `pgid` once this process has ended. */
export function watchParent(pgid: number, name = 'failure-digest-watch'): ParentWatch {
  const child = spawn('/bin/sh', ['-c', SCRIPT, name, String(pgid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  // Neither the watcher nor its pipe may keep this process alive.
  child.unref();
  (child.stdin as unknown as { _handle?: { unref?: () => void } } | null)?._handle?.unref?.();
  child.stdin?.on('error', () => {});
  return {
    pid: child.pid ?? -1,
    command: child.spawnargs.join(' '),
    release() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // KILL, not closing the pipe: closing it is the signal to stop the group.
      child.kill('SIGKILL');
      child.stdin?.destroy();
    },
  };
}

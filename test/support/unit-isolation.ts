/**
 * Setup file of the unit project: unit tests run without Java, without the
 * emulators and without network, so any attempt at a child process or a
 * network connection fails the test that made it, even where the code under
 * test catches the error.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { afterEach } from 'vitest';

export class UnitIsolationError extends Error {
  constructor(what: string) {
    super(`Unit tests may not ${what}: move the test to test/integration or test/infra.`);
    this.name = 'UnitIsolationError';
  }
}

const attempts: string[] = [];

function refuse(what: string): never {
  attempts.push(what);
  throw new UnitIsolationError(what);
}

const SPAWNERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
for (const name of SPAWNERS) {
  (childProcess as unknown as Record<string, unknown>)[name] = () => refuse(`start a child process (child_process.${name})`);
}
// Every TCP or IPC client connection goes through here: http, fetch, the AWS SDK, net.connect.
net.Socket.prototype.connect = function connect(): never {
  return refuse('open a network connection');
};
// Named imports of the built-ins (`import { spawn } from 'node:child_process'`) see the replacements too.
syncBuiltinESMExports();

/** The attempts since the last call, for the test that checks this guard. */
export function takeAttempts(): string[] {
  return attempts.splice(0);
}

afterEach(() => {
  const made = takeAttempts();
  if (made.length > 0) throw new UnitIsolationError(`${made.join('; ')} (attempted ${made.length} time(s))`);
});

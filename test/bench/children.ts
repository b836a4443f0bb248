import { fork } from 'node:child_process';

/**
 * Runs a bundled child script with plain `node` (no TypeScript loader, so its
 * memory is only its own), hands it `input` in an environment variable and
 * resolves with the one message it sends back.
 */
export function runChild<T>(
  file: string,
  envName: string,
  input: unknown,
  track: (child: import('node:child_process').ChildProcess) => void,
  timeoutMs = 10 * 60_000,
  execArgv: readonly string[] = [],
): Promise<{ output: T; processMs: number }> {
  const started = performance.now();
  const child = fork(file, [], {
    execArgv: [...execArgv],
    env: { ...process.env, NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', [envName]: JSON.stringify(input) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track(child);
  return new Promise((resolve, reject) => {
    let output: T | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (m) => (output = m as T));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (output !== undefined && code === 0) resolve({ output, processMs: performance.now() - started });
      else reject(new Error(`${file} exited with ${signal ?? code} before reporting`));
    });
  });
}

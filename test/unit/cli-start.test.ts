import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('failure-digest start --batching-window', () => {
  it.each(['abc', '-1', '2.5', '300001', ''])('refuses %j with one line and exit 2, before starting anything', async (value) => {
    const run = await runCli('start', '--batching-window', value);
    expect(run.code).toBe(2);
    expect(run.err).toEqual([
      `failure-digest: --batching-window "${value}" is not a whole number of milliseconds from 0 to 300000`,
    ]);
    expect(run.out).toEqual([]);
  });
});

describe('failure-digest start with one port for both', () => {
  it('refuses with one line and exit 2, before starting anything', async () => {
    const run = await runCli('start', '--dynamodb-port', '9100', '--ses-port', '9100');
    expect(run.code).toBe(2);
    expect(run.err).toEqual(['failure-digest: --dynamodb-port and --ses-port are both 9100: each needs a port of its own']);
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { takeAttempts, UnitIsolationError } from '../support/unit-isolation.ts';

describe('the unit project', () => {
  it('refuses to start a child process, Java included', () => {
    expect(() => spawnSync('java', ['-version'])).toThrow(UnitIsolationError);
    expect(() => spawn(process.execPath, ['-e', ''])).toThrow(UnitIsolationError);
    expect(takeAttempts()).toEqual([
      'start a child process (child_process.spawnSync)',
      'start a child process (child_process.spawn)',
    ]);
  });

  it('refuses network connections, also where the caller swallows the error', async () => {
    await expect(fetch('http://127.0.0.1:65530/')).rejects.toThrow();
    expect(takeAttempts()).toEqual(['open a network connection']);
  });
});

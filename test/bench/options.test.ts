import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BenchUsageError, OUT_DIR, parseBenchArgs, PUBLISHED_DIR, resultDirs } from './options.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('benchmark options', () => {
  it('writes every run to the ignored folder only', () => {
    expect(resultDirs(parseBenchArgs([]))).toEqual(['test/bench/out']);
    expect(resultDirs(parseBenchArgs(['--quick']))).toEqual(['test/bench/out']);
    expect(resultDirs(parseBenchArgs(['--json', 'r.json']))).toEqual(['test/bench/out']);
  });

  it('updates the published results only for a full run with --publish', () => {
    expect(parseBenchArgs(['--publish'])).toEqual({ mode: 'full', publish: true, json: undefined, help: false, sendWindow: false, digestCost: false, memory: false });
    expect(resultDirs(parseBenchArgs(['--publish']))).toEqual(['test/bench/out', 'test/bench/results']);
  });

  it('refuses --quick --publish and unknown options', () => {
    expect(() => parseBenchArgs(['--quick', '--publish'])).toThrow(new BenchUsageError('--publish needs a full run: drop --quick'));
    expect(() => parseBenchArgs(['--publish', '--quick'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--fast'])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--json'])).toThrow(BenchUsageError);
  });

  it('runs the digest cost alone', () => {
    expect(parseBenchArgs(['--digest-cost'])).toMatchObject({ mode: 'full', publish: false, digestCost: true });
    expect(() => parseBenchArgs(['--digest-cost', '--quick'])).toThrow(new BenchUsageError('--digest-cost runs alone: drop --quick, --publish and --send-window'));
  });

  it('runs the memory measurement alone', () => {
    expect(parseBenchArgs(['--memory'])).toMatchObject({ mode: 'full', publish: false, memory: true, digestCost: false, sendWindow: false });
    expect(resultDirs(parseBenchArgs(['--memory']))).toEqual(['test/bench/out']);
    const alone = new BenchUsageError('--memory runs alone: drop --quick, --publish, --send-window and --digest-cost');
    for (const other of ['--quick', '--publish', '--send-window', '--digest-cost']) expect(() => parseBenchArgs(['--memory', other])).toThrow(alone);
  });

  it('runs the send window alone', () => {
    expect(parseBenchArgs(['--send-window'])).toMatchObject({ mode: 'full', publish: false, sendWindow: true });
    expect(() => parseBenchArgs(['--send-window', '--publish'])).toThrow(new BenchUsageError('--send-window runs alone: drop --quick and --publish'));
    expect(() => parseBenchArgs(['--quick', '--send-window'])).toThrow(BenchUsageError);
  });

  it('keeps its own output out of git and the published results in it', () => {
    const ignored = (file: string) => spawnSync('git', ['check-ignore', '-q', file], { cwd: ROOT }).status === 0;
    expect(ignored(`${OUT_DIR}/latest.json`)).toBe(true);
    expect(ignored(`${OUT_DIR}/digest-read.svg`)).toBe(true);
    expect(ignored(`${PUBLISHED_DIR}/latest.json`)).toBe(false);
  });

  it('npm run bench -- --quick --publish stops at once with one line and exit 2', () => {
    const published = readFileSync(new URL('results/latest.json', import.meta.url), 'utf8');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', '--quick', '--publish'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('bench: --publish needs a full run: drop --quick (npm run bench -- --help)\n');
    expect(readFileSync(new URL('results/latest.json', import.meta.url), 'utf8')).toBe(published);
  });
});

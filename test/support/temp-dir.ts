import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A new folder in the temp dir; `removeTempDir` deletes it with everything in it. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** A new folder in the temp dir, deleted when the calling test ends, passed or failed. */
export async function tempDirForTest(prefix: string): Promise<string> {
  const dir = await makeTempDir(prefix);
  onTestFinished(() => removeTempDir(dir));
  return dir;
}

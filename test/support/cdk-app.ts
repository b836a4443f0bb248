import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';

const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

const outdirs = new Set<string>();

/**
 * An app with the feature flags `cdk synth` reads from cdk.json and this
 * context on top. It synthesizes into a folder of its own (an `App` without
 * `outdir` leaves a `cdk.out*` folder in the temp dir each time), which
 * `removeTestApps` deletes.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'fd-cdk-'));
  outdirs.add(outdir);
  return new App({ context: { ...CDK_JSON.context, ...context }, outdir });
}

/** Deletes the output of every app `testApp` made; for `afterAll`. */
export function removeTestApps(): void {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  outdirs.clear();
}

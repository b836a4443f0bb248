import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './stats.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The two Lambda handlers the stack deploys, with the environment each reads at cold start. */
export const FUNCTIONS = [
  {
    name: 'stream-consumer',
    entry: 'functions/stream-consumer/index.ts',
    env: { SUMMARY_TABLE: 'failure-digest-summary', REPORT_TZ: 'Europe/Paris', SUMMARY_RETENTION_DAYS: '90' },
  },
  {
    name: 'digest',
    entry: 'functions/digest/index.ts',
    env: {
      DDB_TABLE: 'execution-logs',
      GSI_NAME: 'gsi_status_ts',
      SUMMARY_TABLE: 'failure-digest-summary',
      REPORT_TZ: 'Europe/Paris',
      SES_FROM: 'failure-digest@example.com',
      SES_TO: 'ops@example.com',
    },
  },
] as const;

export interface BundleOptions {
  /** esbuild target: what the CDK derives from the function runtime, or this Node for local children. */
  readonly target: string;
  readonly banner: string;
}

/**
 * The CDK's bundling options (infra/stack/node-function.ts): ESM, minified,
 * platform node, main fields module then main, the require shim banner,
 * source maps without sources, the SDK bundled (nothing external).
 */
export async function cdkBundleOptions(): Promise<BundleOptions> {
  // Loads aws-cdk-lib, so only when bundling: the options then come from the construct itself.
  const { REQUIRE_SHIM, RUNTIME } = await import('../../infra/stack/node-function.ts');
  const major = /nodejs(\d+)/.exec(RUNTIME.name)?.[1];
  if (!major) throw new Error(`cannot derive an esbuild target from runtime ${RUNTIME.name}`);
  return { target: `node${major}`, banner: REQUIRE_SHIM };
}

export interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly gzipBytes: number;
}

export async function bundle(entry: string, outfile: string, options: BundleOptions): Promise<BuiltBundle> {
  await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: options.target,
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: options.banner },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  const code = await readFile(outfile);
  return { file: outfile, bytes: code.byteLength, mapBytes: (await stat(`${outfile}.map`)).size, gzipBytes: gzipSync(code).byteLength };
}

const IMPORT_PROBE = `const t = performance.now(); await import(process.env.BENCH_IMPORT_URL); process.stdout.write(JSON.stringify({ ms: performance.now() - t }));`;

/** Import time of a module in a fresh `node` process: what a cold start spends loading the bundle. */
export async function importMs(file: string, env: Readonly<Record<string, string>>, nodeOptions = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', IMPORT_PROBE], {
      env: {
        PATH: process.env['PATH'] ?? '',
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'failure-digest',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: nodeOptions,
        ...env,
        BENCH_IMPORT_URL: pathToFileURL(file).href,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`importing ${file} failed (exit ${code}): ${err.trim()}`));
      resolve((JSON.parse(out) as { ms: number }).ms);
    });
  });
}

export interface BundleRow {
  readonly name: string;
  readonly bytes: number;
  readonly map_bytes: number;
  readonly gzip_bytes: number;
  /** Median import time in a fresh process, without and with NODE_OPTIONS=--enable-source-maps (as deployed). */
  readonly import_ms: number;
  readonly import_ms_source_maps: number;
  readonly runs: number;
}

export async function measureBundles(outdir: string, runs: number): Promise<BundleRow[]> {
  const options = await cdkBundleOptions();
  const rows: BundleRow[] = [];
  for (const fn of FUNCTIONS) {
    const built = await bundle(fn.entry, join(outdir, fn.name, 'index.mjs'), options);
    const plain: number[] = [];
    const maps: number[] = [];
    for (let i = 0; i < runs; i++) {
      plain.push(await importMs(built.file, fn.env));
      maps.push(await importMs(built.file, fn.env, '--enable-source-maps'));
    }
    rows.push({
      name: fn.name,
      bytes: built.bytes,
      map_bytes: built.mapBytes,
      gzip_bytes: built.gzipBytes,
      import_ms: median(plain),
      import_ms_source_maps: median(maps),
      runs,
    });
  }
  return rows;
}

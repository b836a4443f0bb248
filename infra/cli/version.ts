import { readFileSync } from 'node:fs';

/** The version in package.json: the CLI runs from the sources, so there is nothing else to stamp. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

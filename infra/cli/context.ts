import { createClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestDeps } from '../../shared/digest/run-digest.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { loadDigestConfig, type DigestConfig } from '../../shared/settings/components.ts';

export interface CliContext {
  readonly config: DigestConfig;
  readonly clients: Clients;
  readonly deps: DigestDeps;
}

/** Settings from the environment and flags, clients from the SDK's own variables (AWS_ENDPOINT_URL_*, AWS_REGION, ...). */
export function cliContext(options: { requireEmail: boolean; tz?: string | undefined }): CliContext {
  const config = loadDigestConfig(process.env, options);
  const clients = createClients(process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] ? {} : { region: 'us-east-1' });
  return {
    config,
    clients,
    deps: digestDeps(clients, config),
  };
}

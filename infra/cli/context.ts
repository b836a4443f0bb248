import { createClients, type Clients } from '../../shared/aws/clients.ts';
import type { DigestDeps } from '../../shared/digest/run-digest.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';
import { loadDigestConfig, type DigestConfig } from '../../shared/settings/components.ts';

export interface CliContext {
  readonly config: DigestConfig;
  readonly clients: Clients;
  readonly deps: DigestDeps;
}

/**
 * Pointed at the local stack, whose mapping hands a dropped range to its
 * handler before it reads on, so there is no queue to look at.
 */
function localEndpoint(): boolean {
  const url = process.env['AWS_ENDPOINT_URL_DYNAMODB'];
  if (!url) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Settings from the environment and flags, clients from the SDK's own variables (AWS_ENDPOINT_URL_*, AWS_REGION, ...). */
export function cliContext(options: { requireEmail: boolean; tz?: string | undefined }): CliContext {
  const config = loadDigestConfig(process.env, options);
  const clients = createClients(process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] ? {} : { region: 'us-east-1' });
  return {
    config,
    clients,
    deps: digestDeps(clients, config, localEndpoint() && config.onFailureQueueUrls.length === 0 ? { drops: INLINE_DROPS } : {}),
  };
}

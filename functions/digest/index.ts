import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../shared/aws/clients.ts';
import { loadDigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { createDigestHandler } from './handler.ts';

const config = loadDigestConfig(process.env);

export const handler = createDigestHandler(
  digestDeps(createClients(), config),
  config,
  new Logger({ serviceName: 'failure-digest' }),
);

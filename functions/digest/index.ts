import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import { createClients } from '../../shared/aws/clients.ts';
import { loadDigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { createDigestHandler } from './handler.ts';

const config = loadDigestConfig(process.env);

export const handler = createDigestHandler(
  digestDeps(createClients(), config),
  config,
  new Logger({ serviceName: 'failure-digest' }),
  new Metrics({ namespace: DIGEST_METRICS.namespace, serviceName: DIGEST_METRICS.service }),
);

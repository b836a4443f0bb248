import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../shared/aws/clients.ts';
import { loadS3LogConfig } from '../../shared/settings/components.ts';
import { s3LogDeps } from '../../shared/s3logs/deps.ts';
import { createS3LogIngesterHandler } from './handler.ts';

const config = loadS3LogConfig(process.env);
const clients = createClients();

export const handler = createS3LogIngesterHandler({
  ...s3LogDeps(clients, config),
  s3: clients.s3,
  logger: new Logger({ serviceName: 'failure-digest' }),
});

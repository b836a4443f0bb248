import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClients } from '../../shared/aws/dynamodb-clients.ts';
import { createStreamsClient } from '../../shared/aws/streams-client.ts';
import { recoveryDeps } from '../../shared/recovery/deps.ts';
import { loadCaptureConfig } from '../../shared/settings/components.ts';
import { createOnFailureHandler } from './handler.ts';

const config = loadCaptureConfig(process.env);

export const handler = createOnFailureHandler({
  recovery: recoveryDeps({ ...createDynamoClients(), streams: createStreamsClient() }, config),
  logger: new Logger({ serviceName: 'failure-digest' }),
});

import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClients } from '../../shared/aws/dynamodb-clients.ts';
import { createStreamsClient } from '../../shared/aws/streams-client.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';
import { loadHeartbeatConfig } from '../../shared/settings/components.ts';
import { createHeartbeatHandler } from './handler.ts';

const config = loadHeartbeatConfig(process.env);
const clients = createDynamoClients();

export const handler = createHeartbeatHandler(
  {
    doc: clients.doc,
    executionTable: config.executionTable,
    streams: createStreamsClient(),
    streamArn: config.streamArn,
    store: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
    clock: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
  new Logger({ serviceName: 'failure-digest' }),
);

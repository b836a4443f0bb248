import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoClients } from '../../shared/aws/dynamodb-clients.ts';
import { loadCaptureConfig } from '../../shared/settings/components.ts';
import { EvidenceStore } from '../../shared/evidence/store.ts';
import { SummaryStore } from '../../shared/summary/store.ts';
import { createStreamConsumerHandler } from './handler.ts';

const config = loadCaptureConfig(process.env);
const clients = createDynamoClients();

export const handler = createStreamConsumerHandler({
  store: new SummaryStore(clients.doc, config.summaryTable, config.retentionDays),
  evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
  tz: config.reportTz,
  clock: Date.now,
  logger: new Logger({ serviceName: 'failure-digest' }),
});

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { snsNotifier } from '../../shared/admin/notifier.ts';
import { createDynamoClients } from '../../shared/aws/dynamodb-clients.ts';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import { SendLedger } from '../../shared/ledger/send-ledger.ts';
import { loadWatchdogConfig } from '../../shared/settings/components.ts';
import { createWatchdogHandler } from './handler.ts';

const config = loadWatchdogConfig(process.env);

export const handler = createWatchdogHandler(
  {
    ledger: new SendLedger(createDynamoClients().doc, config.summaryTable),
    admin: snsNotifier(new SNSClient({}), config.adminTopicArn),
    clock: Date.now,
  },
  config,
  new Logger({ serviceName: 'failure-digest' }),
  new Metrics({ namespace: DIGEST_METRICS.namespace, serviceName: DIGEST_METRICS.service }),
);

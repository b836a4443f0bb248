import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { snsNotifier } from '../../shared/admin/notifier.ts';
import { createClients } from '../../shared/aws/clients.ts';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import { SendLedger } from '../../shared/ledger/send-ledger.ts';
import { loadWatchdogConfig } from '../../shared/settings/components.ts';
import { createWatchdogHandler } from './handler.ts';

const config = loadWatchdogConfig(process.env);
const clients = createClients();

export const handler = createWatchdogHandler(
  {
    ledger: new SendLedger(clients.doc, config.summaryTable),
    admin: snsNotifier(clients.sns, config.adminTopicArn),
    clock: Date.now,
  },
  config,
  new Logger({ serviceName: 'failure-digest' }),
  new Metrics({ namespace: DIGEST_METRICS.namespace, serviceName: DIGEST_METRICS.service }),
);

import type { Clients } from '../aws/clients.ts';
import { sesMailer } from '../email/mailer.ts';
import { sqsDropQueue, unknownDrops, type DropQueue } from '../evidence/drop-queue.ts';
import { EvidenceStore } from '../evidence/store.ts';
import { SendLedger } from '../ledger/send-ledger.ts';
import { nameOf } from '../settings/read.ts';
import type { DigestConfig } from '../settings/components.ts';
import { SummaryStore } from '../summary/store.ts';
import type { DigestDeps } from './run-digest.ts';
import { noNotifier, snsNotifier } from '../admin/notifier.ts';
import { archiveAt } from './archive.ts';
import { blockingProblems, checkSender } from '../email/sender-checks.ts';

export interface DigestDepsOptions {
  /** @default Date.now */
  readonly clock?: () => number;
  /** Where dropped stream ranges wait; by default the queues of the configuration, or unknown without them. */
  readonly drops?: DropQueue;
  /** When this run is done or gone (a Lambda's remaining time); by default the configured send timeout from each call. */
  readonly deadlineMs?: () => number;
}

/** The digest's collaborators for one configuration: the Lambda, the CLI and the local stack build them alike. */
export function digestDeps(clients: Clients, config: DigestConfig, options: DigestDepsOptions = {}): DigestDeps {
  const drops =
    options.drops ??
    (config.onFailureQueueUrls.length > 0
      ? sqsDropQueue(clients.sqs, config.onFailureQueueUrls)
      : unknownDrops(`${nameOf('onFailureQueueUrls', 'env')} is not set`));
  const clock = options.clock ?? Date.now;
  return {
    store: new SummaryStore(clients.doc, config.summaryTable, config.retentionDays),
    evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
    drops,
    dynamodb: clients.dynamodb,
    executionTable: config.executionTable,
    gsiName: config.gsiName,
    mailer: sesMailer(clients.ses),
    ledger: new SendLedger(clients.doc, config.summaryTable),
    clock,
    deadlineMs: options.deadlineMs ?? (() => clock() + config.sendTimeoutSeconds * 1000),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    captureWaitMs: config.captureWaitSeconds * 1000,
    admin: config.adminTopicArn
      ? snsNotifier(clients.sns, config.adminTopicArn)
      : noNotifier(`no administrator topic is configured (${nameOf('adminTopicArn', 'env')})`),
    archive: config.reportArchive ? archiveAt(config.reportArchive, clients.s3) : undefined,
    senderProblems: async (email) => blockingProblems(await checkSender(clients.ses, { from: email.from, to: email.to })),
  };
}

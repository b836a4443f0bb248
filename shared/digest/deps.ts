import type { Clients } from '../aws/clients.ts';
import type { DigestConfig } from '../settings/components.ts';
import { sesMailer } from '../email/mailer.ts';
import { SummaryStore } from '../summary/store.ts';
import type { DigestDeps } from './run-digest.ts';

/** The digest's collaborators for one configuration: the Lambda, the CLI and the local stack build them alike. */
export function digestDeps(clients: Clients, config: DigestConfig, clock: () => number = Date.now): DigestDeps {
  return {
    store: new SummaryStore(clients.doc, config.summaryTable, config.retentionDays),
    dynamodb: clients.dynamodb,
    executionTable: config.executionTable,
    gsiName: config.gsiName,
    mailer: sesMailer(clients.ses),
    clock,
  };
}

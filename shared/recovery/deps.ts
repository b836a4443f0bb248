import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoClients } from '../aws/dynamodb-clients.ts';
import type { CaptureConfig } from '../settings/components.ts';
import { EvidenceStore } from '../evidence/store.ts';
import { SummaryStore } from '../summary/store.ts';
import { streamRangeReader } from './read-range.ts';
import type { RecoveryDeps } from './recover-range.ts';

/** The recovery's collaborators for one configuration: the Lambda, the local stack and `replay` build them alike. */
export function recoveryDeps(
  clients: Pick<DynamoClients, 'doc'> & { readonly streams: DynamoDBStreamsClient },
  config: CaptureConfig,
  clock: () => number = Date.now,
): RecoveryDeps {
  return {
    reader: streamRangeReader(clients.streams),
    store: new SummaryStore(clients.doc, config.summaryTable, config.retentionDays),
    evidence: new EvidenceStore(clients.doc, config.summaryTable, config.retentionDays),
    tz: config.reportTz,
    clock,
  };
}

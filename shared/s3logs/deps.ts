import type { Clients } from '../aws/clients.ts';
import type { S3LogConfig } from '../settings/components.ts';
import { FailureWriter } from './failure-writer.ts';
import type { S3LogRules } from './rules.ts';
import { UploadStateStore } from './state-store.ts';

/** What the S3 log use cases work with; the Lambda, the CLI and the demo build them alike. */
export interface S3LogDeps {
  readonly failures: FailureWriter;
  readonly uploads: UploadStateStore;
  readonly rules: S3LogRules;
  readonly clock: () => number;
}

export function s3LogDeps(clients: Pick<Clients, 'doc'>, config: S3LogConfig, clock: () => number = Date.now): S3LogDeps {
  return {
    failures: new FailureWriter(clients.doc, config.executionTable),
    uploads: new UploadStateStore(clients.doc, config.summaryTable, config.retentionDays),
    rules: config.rules,
    clock,
  };
}

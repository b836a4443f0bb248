import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import type { S3LogDeps } from '../../shared/s3logs/deps.ts';
import { ingestLogs, type IngestResult } from '../../shared/s3logs/ingest.ts';
import { decodeEventKey, s3LogSource } from '../../shared/s3logs/s3-source.ts';
import { SWEEP_SOURCE, sweepUploads, type SweepResult } from '../../shared/s3logs/sweep.ts';

export interface SweepEvent {
  readonly source: typeof SWEEP_SOURCE;
}

export type IngesterEvent = S3Event | SweepEvent;
export type IngesterResponse = ({ readonly kind: 'ingest' } & IngestResult) | ({ readonly kind: 'sweep' } & SweepResult);
export type IngesterHandler = (event: IngesterEvent) => Promise<IngesterResponse>;

export class UnknownIngesterEventError extends Error {
  constructor() {
    super(`Expected an S3 event notification (Records) or {"source":"${SWEEP_SOURCE}"}`);
    this.name = 'UnknownIngesterEventError';
  }
}

// Past this many, malformed lines are counted but not logged one by one.
const MAX_LOGGED_MALFORMED = 50;

/**
 * S3 ObjectCreated on the log bucket: read those log objects. The hourly
 * schedule: judge uploads whose grace period has run out. An error is thrown,
 * so Lambda retries the event and then sends it to the dead-letter queue.
 */
export function createS3LogIngesterHandler(deps: S3LogDeps & { readonly s3: S3Client; readonly logger: Logger }): IngesterHandler {
  return async (event) => {
    if ('Records' in event && Array.isArray(event.Records)) {
      const sources = event.Records.filter((r) => r.eventName?.startsWith('ObjectCreated') && !r.s3.object.key.endsWith('/')).map((r) =>
        s3LogSource(deps.s3, r.s3.bucket.name, decodeEventKey(r.s3.object.key)),
      );
      let logged = 0;
      const result = await ingestLogs(deps, sources, {
        onMalformed: (m) => {
          if (logged++ < MAX_LOGGED_MALFORMED) deps.logger.warn('Malformed access log line skipped', { ...m });
        },
      });
      deps.logger.info('Access log objects read', { ...result, names: sources.map((s) => s.name) });
      return { kind: 'ingest', ...result };
    }
    if ((event as Partial<SweepEvent>).source === SWEEP_SOURCE) {
      const result = await sweepUploads(deps, deps.clock());
      deps.logger.info('Upload sweep', { ...result });
      return { kind: 'sweep', ...result };
    }
    throw new UnknownIngesterEventError();
  };
}

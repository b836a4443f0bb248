import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createOnFailureHandler, type OnFailureHandler } from '../../functions/on-failure/handler.ts';
import type { Clients } from '../../shared/aws/clients.ts';
import { recoveryDeps } from '../../shared/recovery/deps.ts';
import { describeOutcome } from '../../shared/recovery/outcome.ts';
import type { CaptureConfig } from '../../shared/settings/components.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-env.ts';
import { localOnFailureDestination } from './on-failure-destination.ts';
import type { OnFailureRecord } from './stream-batch.ts';

export interface LocalOnFailureOptions {
  readonly clients: Clients;
  readonly config: CaptureConfig;
  readonly logger: Logger;
  /** Where each discarded range is written, one JSON line each, for people to find. */
  readonly file: string;
  readonly log: (message: string) => void;
}

export interface LocalOnFailure {
  /** The on-failure function, as deployed. */
  readonly recovery: OnFailureHandler;
  /** What the local mapping calls with each range it gives up on. */
  onFailure(record: OnFailureRecord): Promise<void>;
}

/**
 * The mapping's on-failure destination on this machine: the range goes into
 * the on-failure file, then to the on-failure function as an SQS message
 * would on AWS, and the function reads the records back from the stream.
 */
export function localOnFailure(options: LocalOnFailureOptions): LocalOnFailure {
  const { log, file } = options;
  const recovery = createOnFailureHandler({
    recovery: recoveryDeps(options.clients, options.config),
    logger: options.logger,
    onOutcome: (outcome) => log(`on-failure: ${describeOutcome(outcome)}`),
  });
  const deliver = localOnFailureDestination({
    handler: recovery,
    fn: { functionName: 'failure-digest-on-failure', region: LOCAL_REGION, accountId: LOCAL_ACCOUNT },
    log,
    now: Date.now,
  });
  return {
    recovery,
    async onFailure(record) {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${JSON.stringify(record)}\n`);
      const why = `${record.requestContext.condition} on shard ${record.DDBStreamBatchInfo.shardId}`;
      log(`stream: ${record.DDBStreamBatchInfo.batchSize} record(s) gave up (${why}); written to ${file}`);
      if (!(await deliver(record))) log(`on-failure: gave up on the range; try it again with failure-digest replay ${file}`);
    },
  };
}

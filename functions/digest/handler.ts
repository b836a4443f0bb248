import type { Logger } from '@aws-lambda-powertools/logger';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { resolveDigestTarget, type DigestEvent } from '../../shared/digest/request.ts';
import { runDigest, type DigestDeps } from '../../shared/digest/run-digest.ts';

export interface DigestResponse {
  readonly date: string;
  readonly tz: string;
  readonly status: string;
  readonly source: string;
  /** Whether the source was shown to hold every failure of the day. */
  readonly complete: boolean;
  readonly count: number;
  readonly unreadable: number;
  readonly messageId?: string;
}

export type DigestHandler = (event: DigestEvent) => Promise<DigestResponse>;

export function createDigestHandler(deps: DigestDeps, config: DigestConfig, logger: Logger): DigestHandler {
  return async (event) => {
    const target = resolveDigestTarget(event, config.reportTz, deps.clock());
    const outcome = await runDigest(deps, {
      ...target,
      from: config.sesFrom,
      to: config.sesTo,
      sendEmpty: config.sendEmpty,
    });
    const response: DigestResponse = {
      date: outcome.report.window.date,
      tz: outcome.report.window.tz,
      status: outcome.status,
      source: outcome.report.source,
      complete: outcome.report.completeness.complete,
      count: outcome.report.count,
      unreadable: outcome.report.unreadable,
      ...(outcome.messageId ? { messageId: outcome.messageId } : {}),
    };
    logger.info('Digest run', { ...response, scheduledTime: event?.scheduledTime, attempt: event?.attempt });
    return response;
  };
}

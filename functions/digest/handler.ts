import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { resolveDigestTarget, type DigestEvent } from '../../shared/digest/request.ts';
import { runDigest, UNSENT_STATUSES, type DigestDeps, type DigestStatus } from '../../shared/digest/run-digest.ts';

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

/** The day's email is not out: thrown so that Lambda retries the run, then hands it to the dead-letter queue and its alarm. */
export class DigestNotSentError extends Error {
  constructor(date: string, tz: string, status: string, reason: string | undefined) {
    super(`the digest for ${date} (${tz}) was not sent: ${status}${reason ? `: ${reason}` : ''}`);
    this.name = 'DigestNotSentError';
  }
}

/** What the handler reads of Lambda's context. */
export interface DigestContext {
  getRemainingTimeInMillis(): number;
}

export type DigestHandler = (event: DigestEvent, context?: DigestContext) => Promise<DigestResponse>;

/** One run's outcome as metrics; published at once, since a run that throws never reaches a later flush. */
function recordOutcome(metrics: Metrics, status: DigestStatus): void {
  if (status === 'sent') metrics.addMetric(DIGEST_METRICS.sent, MetricUnit.Count, 1);
  else if (UNSENT_STATUSES.has(status)) {
    metrics.addDimension(DIGEST_METRICS.statusDimension, status);
    metrics.addMetric(DIGEST_METRICS.notSent, MetricUnit.Count, 1);
  } else return;
  metrics.publishStoredMetrics();
}

export function createDigestHandler(deps: DigestDeps, config: DigestConfig, logger: Logger, metrics?: Metrics): DigestHandler {
  return async (event, context) => {
    const target = resolveDigestTarget(event, config.reportTz, deps.clock());
    // The claim on the day lasts as long as this invocation can: Lambda ends it at its timeout.
    const deadline = context ? deps.clock() + context.getRemainingTimeInMillis() : undefined;
    const run = deadline === undefined ? deps : { ...deps, deadlineMs: () => Math.min(deadline, deps.deadlineMs()) };
    const outcome = await runDigest(run, {
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
    if (metrics) recordOutcome(metrics, outcome.status);
    if (UNSENT_STATUSES.has(outcome.status)) {
      logger.error('Digest not sent', {
        ...response,
        reason: outcome.reason,
        ...(outcome.admin ? { adminTold: outcome.admin.told, adminDetail: outcome.admin.detail, keptAt: outcome.admin.keptAt } : {}),
        scheduledTime: event?.scheduledTime,
        attempt: event?.attempt,
      });
      throw new DigestNotSentError(response.date, response.tz, outcome.status, outcome.reason);
    }
    logger.info('Digest run', { ...response, scheduledTime: event?.scheduledTime, attempt: event?.attempt });
    return response;
  };
}

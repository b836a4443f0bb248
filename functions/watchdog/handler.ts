import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import { resolveDigestTarget, type DigestEvent } from '../../shared/digest/request.ts';
import { watchDigest, type WatchdogDeps, type WatchdogResult } from '../../shared/digest/watchdog.ts';

export interface WatchdogSettings {
  readonly reportTz: string;
  readonly watchdogMarginMinutes: number;
}

export type WatchdogHandler = (event: DigestEvent) => Promise<WatchdogResult>;

/**
 * Fired `watchdogMarginMinutes` after the digest's time: checks the digest's
 * day on the send ledger. An unconfirmed day is told to the administrators
 * and counted as `DigestUnconfirmed`, whose alarm goes to the alarm topic. It
 * returns normally either way, so Lambda does not retry it into repeats.
 */
export function createWatchdogHandler(deps: WatchdogDeps, config: WatchdogSettings, logger: Logger, metrics?: Metrics): WatchdogHandler {
  return async (event) => {
    const marginMs = config.watchdogMarginMinutes * 60_000;
    const { date, tz } = resolveDigestTarget(event, config.reportTz, deps.clock(), marginMs);
    const dueMs = event?.scheduledTime ? Date.parse(event.scheduledTime) : deps.clock();
    const result = await watchDigest(deps, { date, tz, dueMs });
    if (result.confirmed) {
      logger.info('Digest confirmed', { date, tz, state: result.state });
      return result;
    }
    metrics?.addMetric(DIGEST_METRICS.unconfirmed, MetricUnit.Count, 1);
    metrics?.publishStoredMetrics();
    logger.error('Digest not confirmed', { date, tz, state: result.state ?? 'none', adminTold: result.told?.told, adminDetail: result.told && (result.told.told ? result.told.messageId : result.told.why) });
    return result;
  };
}

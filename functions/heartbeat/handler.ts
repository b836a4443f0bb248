import type { Logger } from '@aws-lambda-powertools/logger';
import { runHeartbeatRound, type HeartbeatDeps } from '../../shared/evidence/heartbeat-round.ts';

export interface HeartbeatResponse {
  readonly writtenMs: number;
  readonly slots: number;
  readonly shards: number;
  readonly uncovered: readonly string[];
}

export type HeartbeatHandler = () => Promise<HeartbeatResponse>;

/**
 * The schedule's tick: one heartbeat round. A round that could not reach
 * every shard is stored as such (no day is shown complete by it) and logged
 * as a warning; an error is thrown, so the schedule's retries and the alarm
 * on errors see it.
 */
export function createHeartbeatHandler(deps: HeartbeatDeps, logger: Logger): HeartbeatHandler {
  return async () => {
    const round = await runHeartbeatRound(deps);
    const response = { writtenMs: round.writtenMs, slots: round.slots.length, shards: round.shards.length, uncovered: round.uncovered };
    if (round.uncovered.length > 0) logger.warn('Heartbeat round did not reach every stream shard', { ...response });
    else logger.info('Heartbeat round', { ...response });
    return response;
  };
}

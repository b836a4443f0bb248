import { HEARTBEAT_EVERY_MINUTES } from '../../shared/capture/heartbeat.ts';
import { runHeartbeatRound, type HeartbeatDeps } from '../../shared/evidence/heartbeat-round.ts';
import type { HeartbeatRound } from '../../shared/summary/model/capture-evidence.ts';

export interface LocalHeartbeats {
  /** Runs one round now, as the schedule would. */
  runRound(): Promise<HeartbeatRound>;
  stop(): Promise<void>;
}

/**
 * The local stand-in for the heartbeat schedule (`rate(5 minutes)` on AWS):
 * the same round, on a timer; a round that throws is logged and the next
 * one comes on time, as the schedule's next firing would.
 */
export function startLocalHeartbeats(deps: HeartbeatDeps, options: { readonly timer: boolean; readonly log: (m: string) => void }): LocalHeartbeats {
  let running: Promise<unknown> = Promise.resolve();
  const runRound = () => {
    const round = runHeartbeatRound(deps);
    running = round.catch(() => undefined);
    return round;
  };
  const tick = () => {
    runRound().then(
      (r) => {
        if (r.uncovered.length > 0) options.log(`heartbeat: the round at ${new Date(r.writtenMs).toISOString()} did not reach ${r.uncovered.join(', ')}`);
      },
      (e: unknown) => options.log(`heartbeat: round failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const timer = options.timer ? setInterval(tick, HEARTBEAT_EVERY_MINUTES * 60_000) : undefined;
  if (options.timer) tick();
  return {
    runRound,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

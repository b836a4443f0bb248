import { answersOnLoopback, describeHolder, portHolders, type PortHolder } from './port-holders.ts';

/** What a port is for, as the one-line errors name it: `DynamoDB Local (--dynamodb-port)`. */
export interface PortRole {
  readonly port: number;
  readonly service: string;
  readonly flag: string;
}

const roleText = (r: PortRole) => `port ${r.port} (${r.service}, ${r.flag})`;
const holdersText = (hs: readonly PortHolder[]) => (hs.length ? hs.map(describeHolder).join(', ') : 'another program');

/** A port the stack would print was taken before it started anything. */
export class PortInUseError extends Error {
  constructor(
    readonly role: PortRole,
    readonly holders: readonly PortHolder[],
  ) {
    super(`${roleText(role)} is already in use by ${holdersText(holders)}: stop it, or choose another port with ${role.flag}`);
    this.name = 'PortInUseError';
  }
}

/** A port the stack would print answers, but from a process other than the one the stack started for it. */
export class PortNotOursError extends Error {
  constructor(
    readonly role: PortRole,
    readonly holders: readonly PortHolder[],
    expected: string,
  ) {
    super(`${roleText(role)} is served by ${holdersText(holders)}, not by ${expected}: stop it, or choose another port with ${role.flag}`);
    this.name = 'PortNotOursError';
  }
}

/**
 * Refuses a port that anything listens on, at any address: a holder on
 * 0.0.0.0 or [::] answers 127.0.0.1 too, and one on [::1] answers
 * `localhost` in most browsers. Where the kernel's tables cannot be read, a
 * connection to 127.0.0.1 tells at least whether the printed endpoint is taken.
 */
export async function assertPortFree(role: PortRole): Promise<void> {
  const holders = portHolders(role.port);
  if (holders?.length) throw new PortInUseError(role, holders);
  if (await answersOnLoopback(role.port)) throw new PortInUseError(role, holders ?? []);
}

/**
 * Checks that every listener on the port belongs to one of `pids`, which is
 * what makes the printed endpoint ours. Where listeners cannot be told apart
 * (no /proc and no lsof), the check before starting is all there is.
 */
export function assertPortServedBy(role: PortRole, pids: readonly number[], expected: string): void {
  const holders = portHolders(role.port, pids);
  if (!holders) return;
  const others = holders.filter((h) => h.pid === undefined || !pids.includes(h.pid));
  if (others.length || holders.length === 0) throw new PortNotOursError(role, others, expected);
}

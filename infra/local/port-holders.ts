import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';

/** A listening TCP socket as the kernel lists it in /proc/net/tcp or tcp6. */
export interface Listener {
  readonly address: string;
  readonly port: number;
  readonly inode: number;
  readonly uid: number;
}

/** Who holds a port, as far as this user can see. */
export interface PortHolder {
  readonly pid?: number | undefined;
  readonly command?: string | undefined;
  /** The listening address (`0.0.0.0`, `::`, `127.0.0.1`, …), when the kernel table was read. */
  readonly address?: string | undefined;
  readonly uid?: number | undefined;
}

const LISTEN = '0A';

/** `0100007F` (the kernel's little-endian words) → `127.0.0.1`. */
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

/** Four little-endian 32-bit words → an IPv6 address, v4-mapped ones as `::ffff:a.b.c.d`. */
function ipv6(hex: string): string {
  const bytes = [0, 8, 16, 24].flatMap((w) => [6, 4, 2, 0].map((i) => parseInt(hex.slice(w + i, w + i + 2), 16)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => ((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The longest run of zero groups becomes `::`, as people write it.
  const joined = groups.join(':');
  const runs = joined.match(/(^|:)0(:0)*(:|$)/g) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest ? joined.replace(longest, '::') : joined;
}

/** The listening sockets of a /proc/net/tcp or /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string, family: 4 | 6): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [addr, port] = f[1]!.split(':');
    if (!addr || !port) continue;
    out.push({ address: family === 4 ? ipv4(addr) : ipv6(addr), port: parseInt(port, 16), uid: Number(f[7]), inode: Number(f[9]) });
  }
  return out;
}

/** Every listening socket on `port`, any address and family; undefined where the kernel tables cannot be read. */
export function listenersOn(port: number): Listener[] | undefined {
  const found: Listener[] = [];
  let read = false;
  for (const [file, family] of [['/proc/net/tcp', 4], ['/proc/net/tcp6', 6]] as const) {
    try {
      found.push(...parseProcNetTcp(readFileSync(file, 'utf8'), family).filter((l) => l.port === port));
      read = true;
    } catch {
      // No IPv6 on this machine, or no /proc at all.
    }
  }
  return read ? found : undefined;
}

function socketInodesOf(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // gone, or another user's
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/**
 * The pid holding each socket inode. `first` are looked at before the rest of
 * /proc, so checking that our own child holds a port reads one process, not all.
 */
export function socketOwners(inodes: readonly number[], first: readonly number[] = []): Map<number, number> {
  const owners = new Map<number, number>();
  const want = new Set(inodes);
  const look = (pid: number) => {
    for (const inode of socketInodesOf(pid)) {
      if (want.has(inode) && !owners.has(inode)) owners.set(inode, pid);
    }
  };
  for (const pid of first) look(pid);
  if (owners.size === want.size) return owners;
  let pids: number[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return owners;
  }
  for (const pid of pids) {
    if (owners.size === want.size) break;
    if (!first.includes(pid)) look(pid);
  }
  return owners;
}

/** A process's command line, its arguments joined by spaces; undefined when it is gone or cannot be read. */
export function processCommand(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // A zombie or a kernel thread has an empty command line: nothing to match. A process that set its
    // title (node --title) pads the rest with NULs.
    const args = raw.split('\0');
    while (args.length && args.at(-1) === '') args.pop();
    return args.length ? args.join(' ') : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || process.platform === 'linux') return undefined;
  }
  // Without /proc (macOS, the BSDs), ps knows.
  const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  const line = ps.status === 0 ? ps.stdout.trim() : '';
  return line || undefined;
}

/** Without /proc: lsof, where it is installed, names the listening pids. */
function lsofHolders(port: number): PortHolder[] | undefined {
  const run = spawnSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fp'], { encoding: 'utf8' });
  if (run.error || (run.status !== 0 && run.stdout === '')) return run.error ? undefined : [];
  const pids = [...new Set(run.stdout.split('\n').filter((l) => l.startsWith('p')).map((l) => Number(l.slice(1))))];
  return pids.map((pid) => ({ pid, command: processCommand(pid) }));
}

/**
 * Who listens on `port`: every holder the kernel lists, with its pid and
 * command line where this user may see them. Undefined when this machine
 * offers no way to tell (then only a connection attempt can say it is taken).
 */
export function portHolders(port: number, first: readonly number[] = []): PortHolder[] | undefined {
  const listeners = listenersOn(port);
  if (!listeners) return lsofHolders(port);
  const owners = socketOwners(listeners.map((l) => l.inode), first);
  return listeners.map((l) => {
    const pid = owners.get(l.inode);
    return { pid, command: pid === undefined ? undefined : processCommand(pid), address: l.address, uid: l.uid };
  });
}

/** Whether anything accepts a connection on 127.0.0.1:`port`, which is what the printed endpoints use. */
export function answersOnLoopback(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const MAX_COMMAND = 160;

/** `pid 123 (node /tmp/server.js) on 0.0.0.0`, or what can be said of a holder this user cannot see. */
export function describeHolder(h: PortHolder): string {
  const where = h.address ? ` on ${h.address.includes(':') ? `[${h.address}]` : h.address}` : '';
  if (h.pid === undefined) {
    return `a process this user cannot see${h.uid !== undefined ? ` (uid ${h.uid})` : ''}${where}`;
  }
  const cmd = h.command && h.command.length > MAX_COMMAND ? `${h.command.slice(0, MAX_COMMAND - 1)}…` : h.command;
  return `pid ${h.pid}${cmd ? ` (${cmd})` : ''}${where}`;
}

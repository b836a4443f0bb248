import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import sesLocal from 'aws-ses-v2-local';
import { createSnsLocal } from './sns-local.ts';
import { accountRoutes, LocalSesAccountState, type LocalSesAccountPatch } from './ses-account.ts';
import { assertPortServedBy, PortInUseError } from './port-check.ts';
import { portHolders } from './port-holders.ts';

type StartServer = typeof sesLocal.default;
// A CommonJS module: Node hands its exports object as the default import, some loaders its `default`.
const startServer: StartServer =
  typeof sesLocal === 'function' ? (sesLocal as unknown as StartServer) : sesLocal.default;

export interface SesLocal {
  readonly endpoint: string;
  readonly port: number;
  /** What GetAccount and GetEmailIdentity answer; also set over HTTP at `/_local/account`. */
  readonly account: LocalSesAccountState;
  stop(): Promise<void>;
}

export interface SesLocalOptions {
  readonly port: number;
  readonly host?: string;
  /** Where each administrator notice published to the local SNS is written, one line. */
  readonly log?: (line: string) => void;
  /** The account at start: sandbox or production, identities not verified, DKIM, quota. @default production access, everything verified, DKIM SUCCESS */
  readonly account?: LocalSesAccountPatch;
  /** The flag that chose the port, named when it is taken. @default '--ses-port' */
  readonly portFlag?: string;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts the SES v2 emulator in this process: SendEmail, a web mailbox at `/`,
 * JSON at `/store`. On the same port, in front of the emulator's own routes:
 * GetAccount and GetEmailIdentity, which the emulator lacks or answers from
 * its environment, from a state of our own; and the local SNS, whose
 * administrator notices land in the same mailbox.
 */
export async function startSesLocal(options: SesLocalOptions): Promise<SesLocal> {
  const account = new LocalSesAccountState(options.account);
  const role = { port: options.port, service: 'SES v2 emulator', flag: options.portFlag ?? '--ses-port' };
  const http: Server = await startServer({ port: options.port, host: options.host ?? '127.0.0.1' });
  // Express 5 hands a listen error to the callback the emulator takes for "listening", so it resolves either way.
  if (!http.listening) throw new PortInUseError(role, portHolders(options.port) ?? []);
  const endpoint = `http://127.0.0.1:${options.port}`;
  const sns = createSnsLocal({ sesEndpoint: endpoint, ...(options.log ? { log: options.log } : {}) });
  const stop = () =>
    new Promise<void>((resolve) => {
      sns.close();
      http.closeAllConnections();
      http.close(() => resolve());
    });
  try {
    assertPortServedBy(role, [process.pid], `the SES v2 emulator of this start (pid ${process.pid})`);
  } catch (e) {
    await stop();
    throw e;
  }
  const emulator = http.listeners('request') as Listener[];
  const ours = accountRoutes(account);
  http.removeAllListeners('request');
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (sns.matches(req)) {
      void sns.handle(req, res);
      return;
    }
    if (!ours(req, res)) for (const listener of emulator) listener.call(http, req, res);
  });
  return { endpoint, port: options.port, account, stop };
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import sesLocal from 'aws-ses-v2-local';
import { accountRoutes, LocalSesAccountState, type LocalSesAccountPatch } from './ses-account.ts';

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
  /** The account at start: sandbox or production, identities not verified, DKIM, quota. @default production access, everything verified, DKIM SUCCESS */
  readonly account?: LocalSesAccountPatch;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts the SES v2 emulator in this process: SendEmail, a web mailbox at `/`,
 * JSON at `/store`. GetAccount and GetEmailIdentity, which the emulator lacks
 * or answers from its environment, are answered on the same port from a state
 * of our own, in front of the emulator's own routes.
 */
export async function startSesLocal(options: SesLocalOptions): Promise<SesLocal> {
  const account = new LocalSesAccountState(options.account);
  const http: Server = await startServer({ port: options.port, host: options.host ?? '127.0.0.1' });
  const emulator = http.listeners('request') as Listener[];
  const ours = accountRoutes(account);
  http.removeAllListeners('request');
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!ours(req, res)) for (const listener of emulator) listener(req, res);
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  return {
    endpoint,
    port: options.port,
    account,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import sesLocal from 'aws-ses-v2-local';
import { createSnsLocal } from './sns-local.ts';

type StartServer = typeof sesLocal.default;
// A CommonJS module: Node hands its exports object as the default import, some loaders its `default`.
const startServer: StartServer =
  typeof sesLocal === 'function' ? (sesLocal as unknown as StartServer) : sesLocal.default;

export interface SesLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface SesLocalOptions {
  readonly port: number;
  readonly host?: string;
  /** Where each administrator notice published to the local SNS is written, one line. */
  readonly log?: (line: string) => void;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts the SES v2 emulator in this process (SendEmail, a web mailbox at
 * `/`, JSON at `/store`), with the local SNS beside it on the same port: the
 * administrator notices it delivers land in the same mailbox.
 */
export async function startSesLocal(options: SesLocalOptions): Promise<SesLocal> {
  const http: Server = await startServer({ port: options.port, host: options.host ?? '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const sns = createSnsLocal({ sesEndpoint: endpoint, ...(options.log ? { log: options.log } : {}) });
  const emulator = http.listeners('request') as Listener[];
  http.removeAllListeners('request');
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (sns.matches(req)) {
      void sns.handle(req, res);
      return;
    }
    for (const listener of emulator) listener.call(http, req, res);
  });
  return {
    endpoint,
    port: options.port,
    stop: () =>
      new Promise<void>((resolve) => {
        sns.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

import type { Server } from 'node:http';
import sesLocal from 'aws-ses-v2-local';

type StartServer = typeof sesLocal.default;
// A CommonJS module: Node hands its exports object as the default import, some loaders its `default`.
const startServer: StartServer =
  typeof sesLocal === 'function' ? (sesLocal as unknown as StartServer) : sesLocal.default;

export interface SesLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the SES v2 emulator in this process: SendEmail, a web mailbox at `/`, JSON at `/store`. */
export async function startSesLocal(options: { readonly port: number; readonly host?: string }): Promise<SesLocal> {
  const http: Server = await startServer({ port: options.port, host: options.host ?? '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${options.port}`;
  return {
    endpoint,
    port: options.port,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

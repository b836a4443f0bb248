import type { Server } from 'node:http';
import sesLocal from 'aws-ses-v2-local';
import { assertPortServedBy, PortInUseError } from './port-check.ts';
import { portHolders } from './port-holders.ts';

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
export async function startSesLocal(options: { readonly port: number; readonly host?: string; readonly portFlag?: string }): Promise<SesLocal> {
  const role = { port: options.port, service: 'SES v2 emulator', flag: options.portFlag ?? '--ses-port' };
  const http: Server = await startServer({ port: options.port, host: options.host ?? '127.0.0.1' });
  // Express 5 hands a listen error to the callback the emulator takes for "listening", so it resolves either way.
  if (!http.listening) throw new PortInUseError(role, portHolders(options.port) ?? []);
  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    });
  try {
    assertPortServedBy(role, [process.pid], `the SES v2 emulator of this start (pid ${process.pid})`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, port: options.port, stop };
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getStoreReadonly } from 'aws-ses-v2-local/dist/store.js';
import * as z from 'zod';

export const DKIM_STATES = ['SUCCESS', 'PENDING', 'FAILED', 'TEMPORARY_FAILURE', 'NOT_STARTED'] as const;

/**
 * The account the local SES answers GetAccount and GetEmailIdentity for.
 * By default it has production access and every address and domain is a
 * verified identity, so nothing changes for code that only sends.
 */
export interface LocalSesAccount {
  readonly productionAccess: boolean;
  readonly sendingEnabled: boolean;
  /** Addresses and domains that are no identity (NotFound); a listed address makes its domain unknown too. */
  readonly unverified: readonly string[];
  /** Addresses and domains that are identities awaiting verification (PENDING). */
  readonly pending: readonly string[];
  /** false: only domains are identities, as where a verified domain covers every address in it. */
  readonly addressIdentities: boolean;
  /** DKIM status of every identity. */
  readonly dkim: (typeof DKIM_STATES)[number];
  /** Recipients per 24 h, -1 unlimited; by default what SES gives a new account: 200 in the sandbox, 50,000 with production access. */
  readonly max24HourSend: number;
  /** Recipients per second; by default 1 in the sandbox, 14 with production access. */
  readonly maxSendRate: number;
}

/** What a start option or `POST /_local/account` may set; what is left out keeps its value. */
export const accountPatch = z
  .object({
    productionAccess: z.boolean(),
    sendingEnabled: z.boolean(),
    unverified: z.array(z.string().min(1)),
    pending: z.array(z.string().min(1)),
    addressIdentities: z.boolean(),
    dkim: z.enum(DKIM_STATES),
    max24HourSend: z.number().int().min(-1),
    maxSendRate: z.number().positive(),
  })
  .partial()
  .strict();

export type LocalSesAccountPatch = z.infer<typeof accountPatch>;

interface Settings extends Omit<LocalSesAccount, 'max24HourSend' | 'maxSendRate'> {
  readonly max24HourSend?: number;
  readonly maxSendRate?: number;
}

const DEFAULTS: Settings = { productionAccess: true, sendingEnabled: true, unverified: [], pending: [], addressIdentities: true, dkim: 'SUCCESS' };

/** The account state, changeable while the emulator runs. */
export class LocalSesAccountState {
  private settings: Settings;
  private readonly initial: Settings;

  constructor(patch: LocalSesAccountPatch = {}) {
    this.initial = { ...DEFAULTS, ...accountPatch.parse(patch) };
    this.settings = this.initial;
  }

  get current(): LocalSesAccount {
    const s = this.settings;
    return { ...s, max24HourSend: s.max24HourSend ?? (s.productionAccess ? 50_000 : 200), maxSendRate: s.maxSendRate ?? (s.productionAccess ? 14 : 1) };
  }

  update(patch: LocalSesAccountPatch): LocalSesAccount {
    this.settings = { ...this.settings, ...accountPatch.parse(patch) };
    return this.current;
  }

  /** Back to the state the emulator was started with. */
  reset(): LocalSesAccount {
    this.settings = this.initial;
    return this.current;
  }
}

const domainOf = (id: string) => (id.includes('@') ? id.slice(id.lastIndexOf('@') + 1) : id).toLowerCase();
const listed = (list: readonly string[], id: string) => list.some((x) => x.toLowerCase() === id.toLowerCase());

/** Whether an identity exists: a listed address hides itself and its domain, a listed domain every address in it. */
function identityState(account: LocalSesAccount, id: string): 'missing' | 'pending' | 'verified' {
  const domain = domainOf(id);
  const isDomain = !id.includes('@');
  const hides = (list: readonly string[]) => listed(list, id) || listed(list, domain) || (isDomain && list.some((x) => x.includes('@') && domainOf(x) === domain));
  if (hides(account.unverified) || (!isDomain && !account.addressIdentities)) return 'missing';
  return hides(account.pending) ? 'pending' : 'verified';
}

// A fixed moment, so that two answers about one identity agree.
const STARTED_S = Math.floor(Date.now() / 1000);

/** GetEmailIdentity's 200 body, in the members and JSON types the SES v2 REST API uses (timestamps as epoch seconds). */
export function emailIdentityBody(account: LocalSesAccount, id: string): object | undefined {
  const state = identityState(account, id);
  if (state === 'missing') return undefined;
  const verified = state === 'verified';
  const isDomain = !id.includes('@');
  return {
    IdentityType: isDomain ? 'DOMAIN' : 'EMAIL_ADDRESS',
    FeedbackForwardingStatus: true,
    VerifiedForSendingStatus: verified,
    VerificationStatus: verified ? 'SUCCESS' : 'PENDING',
    DkimAttributes: {
      SigningEnabled: account.dkim === 'SUCCESS',
      Status: account.dkim,
      // An address signs with its domain's keys; only a domain identity has tokens of its own.
      Tokens: isDomain ? [1, 2, 3].map((n) => `local${n}${domainOf(id).replace(/[^a-z0-9]/g, '')}`.slice(0, 32)) : [],
      SigningAttributesOrigin: 'AWS_SES',
      CurrentSigningKeyLength: 'RSA_2048_BIT',
      NextSigningKeyLength: 'RSA_2048_BIT',
      LastKeyGenerationTimestamp: STARTED_S,
    },
    Policies: {},
    Tags: [],
    VerificationInfo: verified ? { LastCheckedTimestamp: STARTED_S, LastSuccessTimestamp: STARTED_S } : { LastCheckedTimestamp: STARTED_S },
  };
}

/** Recipients of what the emulator accepted in the last 24 h: SES counts each recipient against the quota. */
function sentLast24Hours(nowMs: number): number {
  const since = nowMs / 1000 - 24 * 3600;
  return getStoreReadonly()
    .emails.filter((e) => e.at >= since)
    .reduce((n, e) => n + e.destination.to.length + e.destination.cc.length + e.destination.bcc.length, 0);
}

/** GetAccount's 200 body. */
export function accountBody(account: LocalSesAccount, nowMs: number): object {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    EnforcementStatus: account.sendingEnabled ? 'HEALTHY' : 'SHUTDOWN',
    ProductionAccessEnabled: account.productionAccess,
    SendingEnabled: account.sendingEnabled,
    SendQuota: { Max24HourSend: account.max24HourSend, MaxSendRate: account.maxSendRate, SentLast24Hours: sentLast24Hours(nowMs) },
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  };
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(bytes);
}

// SES v2's REST JSON errors carry their type in this header; the SDK makes its own exception class from it.
const errorType = (name: string) => ({ 'x-amzn-errortype': `${name}:http://internal.amazon.com/coral/com.amazonaws.sesv2/` });

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text.trim() === '' ? {} : JSON.parse(text);
}

const IDENTITY_PATH = /^\/v2\/email\/identities\/([^/]+)$/;

/**
 * Answers the SES calls the emulator lacks (GetEmailIdentity) or answers from
 * its environment (GetAccount), and the JSON endpoint that sets the account:
 * `GET`, `POST` (a patch) and `DELETE` (back to the start state) on `/_local/account`.
 * Returns false for every other request, which the emulator then serves.
 */
export function accountRoutes(state: LocalSesAccountState, clock: () => number = Date.now) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path === '/_local/account') {
      void handleControl(state, req, res);
      return true;
    }
    const identity = IDENTITY_PATH.exec(path);
    if (req.method !== 'GET' || (path !== '/v2/email/account' && !identity)) return false;
    // As the emulator does for the calls it serves: SES refuses an unsigned request.
    if (!req.headers.authorization?.startsWith('AWS')) {
      send(res, 403, { message: 'Missing Authentication Token' }, errorType('AccessDeniedException'));
      return true;
    }
    const account = state.current;
    if (!identity) {
      send(res, 200, accountBody(account, clock()));
      return true;
    }
    const id = decodeURIComponent(identity[1]!);
    const body = emailIdentityBody(account, id);
    if (body) send(res, 200, body);
    else send(res, 404, { message: `Email identity <${id}> does not exist.` }, errorType('NotFoundException'));
    return true;
  };
}

async function handleControl(state: LocalSesAccountState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method === 'GET') return send(res, 200, state.current);
    if (req.method === 'DELETE') return send(res, 200, state.reset());
    if (req.method !== 'POST') return send(res, 405, { message: 'use GET, POST (a patch of the account) or DELETE (back to the start state)' });
    const patch = accountPatch.safeParse(await readJson(req));
    if (!patch.success) return send(res, 400, { message: patch.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    send(res, 200, state.update(patch.data));
  } catch (e) {
    send(res, 400, { message: `not JSON: ${(e as Error).message}` });
  }
}

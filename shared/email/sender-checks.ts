import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  NotFoundException,
  type GetAccountCommandOutput,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { mailboxOf } from './addresses.ts';

/** What SES says of one address as a sender or a recipient. */
export interface IdentityFinding {
  /** The bare address that was checked. */
  readonly address: string;
  /** The identity that decided: the address itself or its domain; absent when SES knows neither. */
  readonly identity?: string;
  /** EMAIL_ADDRESS, DOMAIN or MANAGED_DOMAIN, as SES names it. */
  readonly identityType?: string;
  readonly verified: boolean;
  /** The identity's VerificationStatus (SUCCESS, PENDING, FAILED, TEMPORARY_FAILURE, NOT_STARTED), or NOT_FOUND. */
  readonly status: string;
  /** The identity's DKIM state (SUCCESS, PENDING, FAILED, TEMPORARY_FAILURE, NOT_STARTED), when SES gives one. */
  readonly dkim?: string;
}

export interface QuotaFinding {
  /** Recipients SES takes in 24 hours; -1 is unlimited. */
  readonly max24HourSend: number;
  readonly sentLast24Hours: number;
  /** Recipients left for the next 24 hours; -1 is unlimited. */
  readonly left: number;
  /** Recipients per second. */
  readonly maxSendRate: number;
}

/** Whether SES will take the digest from this sender to these recipients, and why not. */
export interface SenderReport {
  readonly sender: IdentityFinding;
  /** false: the account is in the SES sandbox, which mails only verified identities. */
  readonly production: boolean;
  readonly sendingEnabled: boolean;
  /** HEALTHY, PROBATION or SHUTDOWN. */
  readonly enforcementStatus?: string;
  readonly quota: QuotaFinding;
  readonly recipientCount: number;
  /** Each recipient's identity, looked up in the sandbox only, where it decides; empty otherwise. */
  readonly recipients: readonly IdentityFinding[];
}

export interface SenderCheckRequest {
  /** The sender as configured, with or without a display name. */
  readonly from: string;
  readonly to: readonly string[];
}

export interface SenderCheckOptions {
  /** How long each SES call may take. @default 10000 */
  readonly timeoutMs?: number;
}

/** An SES call of the checks got no answer, or an answer that is not about the identities: one line naming the call and the endpoint. */
export class SenderCheckError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SenderCheckError';
  }
}

interface ServiceError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const endpointText = (r: { protocol?: string; hostname?: string; port?: number }) =>
  `${r.protocol ?? 'https:'}//${r.hostname ?? '?'}${r.port ? `:${r.port}` : ''}`;

type BuildHandler = (args: { readonly request: unknown }) => Promise<unknown>;
/** The one overload of the SDK's middleware stack used here, without its per-command types. */
interface BuildStack {
  add(middleware: (next: BuildHandler) => BuildHandler, options: { readonly step: 'build'; readonly name: string }): void;
}

/**
 * One call, with the endpoint it went to remembered from the request itself:
 * the client's config does not hold it when it comes from AWS_ENDPOINT_URL_SESV2.
 */
async function call<T>(ses: SESv2Client, command: GetAccountCommand | GetEmailIdentityCommand, what: string, timeoutMs: number): Promise<T> {
  let endpoint = 'the SES endpoint';
  (command.middlewareStack as unknown as BuildStack).add(
    (next) => async (args) => {
      endpoint = endpointText(args.request as { protocol?: string; hostname?: string; port?: number });
      return next(args);
    },
    { step: 'build', name: 'rememberEndpoint' },
  );
  try {
    return (await ses.send(command as GetAccountCommand, { abortSignal: AbortSignal.timeout(timeoutMs) })) as T;
  } catch (error) {
    const e = (error ?? {}) as ServiceError;
    // Identity lookups read NotFound as an answer; missing credentials keep the SDK's error, which the CLI explains.
    if (error instanceof NotFoundException || e.name === 'CredentialsProviderError') throw error;
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined) throw new SenderCheckError(`SES ${what} at ${endpoint} answered ${status}: ${e.name}: ${e.message}`, { cause: error });
    const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${timeoutMs / 1000} s` : `no answer (${e.code ?? e.name ?? 'error'}: ${e.message})`;
    throw new SenderCheckError(`SES ${what} at ${endpoint}: ${why}`, { cause: error });
  }
}

interface IdentityAnswer {
  readonly identity: string;
  readonly output: GetEmailIdentityCommandOutput;
}

/** One identity, or undefined when SES has no such identity. */
async function identity(ses: SESv2Client, id: string, timeoutMs: number): Promise<IdentityAnswer | undefined> {
  try {
    const output = await call<GetEmailIdentityCommandOutput>(ses, new GetEmailIdentityCommand({ EmailIdentity: id }), `GetEmailIdentity ${id}`, timeoutMs);
    return { identity: id, output };
  } catch (e) {
    if (e instanceof NotFoundException) return undefined;
    throw e;
  }
}

/** The finding for `address` from the identity that decided, or NOT_FOUND. Pure. */
export function identityFinding(address: string, answer: IdentityAnswer | undefined): IdentityFinding {
  if (!answer) return { address, verified: false, status: 'NOT_FOUND' };
  const o = answer.output;
  return {
    address,
    identity: answer.identity,
    ...(o.IdentityType ? { identityType: o.IdentityType } : {}),
    verified: o.VerifiedForSendingStatus === true,
    status: o.VerificationStatus ?? (o.VerifiedForSendingStatus ? 'SUCCESS' : 'NOT_STARTED'),
    ...(o.DkimAttributes?.Status ? { dkim: o.DkimAttributes.Status } : {}),
  };
}

type LookUp = (id: string) => Promise<IdentityAnswer | undefined>;

/**
 * SES takes an address when its own identity or its domain's is verified,
 * so the domain is asked too when the address is not found or not verified.
 */
async function findIdentity(lookUp: LookUp, text: string): Promise<IdentityFinding> {
  const { address, domain } = mailboxOf(text);
  const own = await lookUp(address);
  if (own?.output.VerifiedForSendingStatus) return identityFinding(address, own);
  const ofDomain = await lookUp(domain);
  if (ofDomain?.output.VerifiedForSendingStatus) return identityFinding(address, ofDomain);
  return identityFinding(address, own ?? ofDomain);
}

/** The quota as SES counts it, per recipient. Pure. */
export function quotaFinding(q: GetAccountCommandOutput['SendQuota']): QuotaFinding {
  const max24HourSend = q?.Max24HourSend ?? 0;
  const sentLast24Hours = q?.SentLast24Hours ?? 0;
  return {
    max24HourSend,
    sentLast24Hours,
    left: max24HourSend === -1 ? -1 : Math.max(0, max24HourSend - sentLast24Hours),
    maxSendRate: q?.MaxSendRate ?? 0,
  };
}

/**
 * Asks SES whether it would take a message from `from` to `to`: the sender's
 * identity (or its domain's) and DKIM, the account's sandbox and sending state
 * and quota, and in the sandbox each recipient's identity. Sends nothing.
 */
export async function checkSender(ses: SESv2Client, request: SenderCheckRequest, options: SenderCheckOptions = {}): Promise<SenderReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Recipients often share a domain; each identity is asked once, one call at a time, as SES rate-limits these calls per account.
  const seen = new Map<string, Promise<IdentityAnswer | undefined>>();
  const lookUp: LookUp = (id) => {
    const key = id.toLowerCase();
    const known = seen.get(key);
    if (known) return known;
    const asked = identity(ses, id, timeoutMs);
    seen.set(key, asked);
    return asked;
  };
  const account = await call<GetAccountCommandOutput>(ses, new GetAccountCommand({}), 'GetAccount', timeoutMs);
  const sender = await findIdentity(lookUp, request.from);
  const production = account.ProductionAccessEnabled === true;
  const recipients: IdentityFinding[] = [];
  if (!production) for (const to of request.to) recipients.push(await findIdentity(lookUp, to));
  return {
    sender,
    production,
    sendingEnabled: account.SendingEnabled !== false,
    ...(account.EnforcementStatus ? { enforcementStatus: account.EnforcementStatus } : {}),
    quota: quotaFinding(account.SendQuota),
    recipientCount: request.to.length,
    recipients,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function notVerified(f: IdentityFinding): string {
  if (f.status === 'NOT_FOUND') return `neither ${f.address} nor its domain is an SES identity`;
  return `its identity ${f.identity} is ${f.status === 'SUCCESS' ? 'not verified for sending' : `${f.status} verification`}`;
}

/** What stops SES from taking the digest, one line each; empty when nothing does. Pure. */
export function blockingProblems(report: SenderReport): string[] {
  const problems: string[] = [];
  if (!report.sender.verified) problems.push(`the sender ${report.sender.address} is not verified: ${notVerified(report.sender)}`);
  if (!report.sendingEnabled) {
    problems.push(`sending is paused for this SES account${report.enforcementStatus ? ` (enforcement status ${report.enforcementStatus})` : ''}`);
  }
  const unverified = report.recipients.filter((r) => !r.verified);
  if (!report.production && unverified.length > 0) {
    problems.push(
      `the SES account is in the sandbox, which mails only verified identities, and ${plural(unverified.length, 'recipient is', 'recipients are')} not verified: ${unverified.map((r) => r.address).join(', ')}`,
    );
  }
  const { left, max24HourSend, sentLast24Hours } = report.quota;
  // Every recipient of the one message counts against the quota.
  if (left !== -1 && left < report.recipientCount) {
    problems.push(
      `the 24-hour sending quota has ${plural(left, 'recipient')} left (${sentLast24Hours} of ${max24HourSend} used), and the digest goes to ${plural(report.recipientCount, 'recipient')}`,
    );
  }
  return problems;
}

/** What deserves a look but does not stop sending, one line each. Pure. */
export function senderWarnings(report: SenderReport): string[] {
  const warnings: string[] = [];
  const dkim = report.sender.dkim;
  if (report.sender.verified && dkim !== undefined && dkim !== 'SUCCESS') {
    warnings.push(`DKIM of ${report.sender.identity} is ${dkim}: mail goes out unsigned, and receivers are likelier to mark it as spam`);
  }
  if (report.enforcementStatus === 'PROBATION') warnings.push('the SES account is on probation: its bounce or complaint rate is under review');
  return warnings;
}

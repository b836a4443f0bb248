/**
 * What a failed SendEmail call proves. SES keeps no idempotency token, so a
 * call is made again only when its error shows the message was refused.
 */
export type SendErrorKind =
  /** SES answered with a refusal that may pass (throttling): nothing was accepted, and trying again may work. */
  | 'refused-retryable'
  /** SES answered with a refusal that will not pass by itself (unverified sender, rejected message, paused account). */
  | 'refused'
  /** No answer (timeout, reset connection, abort) or a server error: SES may have accepted the message. */
  | 'in-doubt';

const RETRYABLE = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);
/** Raised before any request leaves the process. */
const BEFORE_SENDING = new Set(['CredentialsProviderError']);
/** The connection was never made: the request did not reach SES. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * Classifies an error of the SendEmail call. A 4xx answer is a refusal: SES
 * checks a request before it accepts it. So is a connection never made. A 5xx answer is in doubt: SES does
 * not document that such a request was not accepted. Pure.
 */
export function classifySendError(error: unknown): SendErrorKind {
  const e = (error ?? {}) as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  if (BEFORE_SENDING.has(name)) return 'refused';
  if (typeof e.code === 'string' && NOT_CONNECTED.has(e.code)) return 'refused-retryable';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) return RETRYABLE.has(name) || status === 429 ? 'refused-retryable' : 'refused';
  return 'in-doubt';
}

/** One line for a send error: `TooManyRequestsException: Maximum sending rate exceeded.` */
export function describeSendError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

import { createHash } from 'node:crypto';
import { truncate } from '../text.ts';
import { exceptionLineOf } from './exception-line.ts';
import { normalise } from './normalise.ts';

/** What one error looks like once what varies in it is taken out. */
export interface ErrorSignature {
  /** 16 hex digits: the first 64 bits of the SHA-256 of the template. */
  readonly signature: string;
  /** The exception line with placeholders, at most TEMPLATE_CHARS. */
  readonly template: string;
  /** The line the template was made from, whitespace collapsed, not normalised. */
  readonly exceptionLine: string;
}

/**
 * Long enough to tell errors apart and to read in a digest, short enough to
 * keep on every summary entry. The signature is the hash of exactly this text,
 * so a stored template always gives back its signature.
 */
export const TEMPLATE_CHARS = 200;
const SIGNATURE_HEX = 16;

/** Failures without a message are one error of their own, not lost among the rest. */
export const NO_MESSAGE_TEMPLATE = '<no message>';

/** Cut to TEMPLATE_CHARS, never inside a placeholder: `<…` would read as text that was there. */
function cutTemplate(normalised: string): string {
  const cut = truncate(normalised, TEMPLATE_CHARS);
  if (cut === normalised) return cut;
  const partial = /<[a-z]*…$/.exec(cut);
  return partial ? `${cut.slice(0, partial.index).trimEnd()}…` : cut;
}

export function signatureOfTemplate(template: string): string {
  return createHash('sha256').update(template).digest('hex').slice(0, SIGNATURE_HEX);
}

/** The signature of a failure's full message (before any cut for storage). Pure. */
export function errorSignature(message: string): ErrorSignature {
  const exceptionLine = exceptionLineOf(message);
  const normalised = normalise(exceptionLine);
  const template = normalised === '' ? NO_MESSAGE_TEMPLATE : cutTemplate(normalised);
  return { signature: signatureOfTemplate(template), template, exceptionLine };
}

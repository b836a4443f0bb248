import addressparser from 'nodemailer/lib/addressparser/index.js';
import * as z from 'zod';
import { hasInvisible, visibleControls } from './safe-text.ts';

/** One recipient or sender as written (`Ops <ops@example.com>`), and the parts SES and its identities need. */
export interface Mailbox {
  /** The entry as written, trimmed: what SES is given. */
  readonly text: string;
  /** The display name, '' when there is none. */
  readonly name: string;
  readonly address: string;
  /** The domain of the address, lower case, as SES names a domain identity. */
  readonly domain: string;
}

/** What is wrong, as the rest of a sentence about `input`: `"bad" is not an e-mail address`. */
export interface AddressProblem {
  readonly input: string;
  readonly message: string;
}

export interface AddressReading {
  readonly mailboxes: Mailbox[];
  /** Empty when every entry is a mailbox. */
  readonly problems: AddressProblem[];
}

/** A list or a sender that is not what SES can take; every bad entry is named. */
export class InvalidAddressError extends Error {
  readonly problems: readonly AddressProblem[];
  constructor(problems: readonly AddressProblem[]) {
    super(problems.map(problemLine).join('; '));
    this.name = 'InvalidAddressError';
    this.problems = problems;
  }
}

/** `"bad" is not an e-mail address`. */
export const problemLine = (p: AddressProblem): string => `"${p.input}" ${p.message}`;

// The same address syntax the other address settings are checked with: ASCII, a dotted domain.
const ADDRESS = z.email();

/**
 * The entries of a comma-separated list with their positions, split only at
 * commas outside quotes, comments and angle brackets, so `"Doe, John" <j@x.com>`
 * stays one entry. nodemailer's parser reads each entry; it is not given the
 * whole list because it drops empty entries and keeps no positions, so the
 * entry at fault could not be named.
 */
export function splitEntries(raw: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let comment = 0;
  let angle = false;
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i]!;
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < raw.length) current += raw[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === ',' && comment === 0 && !angle) {
      entries.push(current.trim());
      current = '';
      continue;
    }
    if (c === '"' && comment === 0) quoted = true;
    else if (c === '(') comment += 1;
    else if (c === ')' && comment > 0) comment -= 1;
    else if (c === '<' && comment === 0) angle = true;
    else if (c === '>' && comment === 0) angle = false;
    current += c;
  }
  entries.push(current.trim());
  return entries;
}

/** One entry: exactly one mailbox with a valid address, or what is wrong with it. */
function readEntry(text: string): Mailbox | AddressProblem {
  // The parser keeps a line break inside a quoted name, and SES is given the entry as written: it would reach a header.
  if (hasInvisible(text)) return { input: visibleControls(text), message: 'holds a line break or a control character' };
  const parsed = addressparser(text);
  if (parsed.some((p) => 'group' in p)) return { input: text, message: 'is a group; list its addresses, separated by commas' };
  const found = parsed as addressparser.Address[];
  if (found.length > 1) return { input: text, message: `holds ${found.length} addresses; separate addresses with commas` };
  const one = found[0];
  if (!one || !ADDRESS.safeParse(one.address).success) return { input: text, message: 'is not an e-mail address' };
  // The parser takes `a@x.com b@y.com` as the name "a@x.com" of b@y.com: a list missing its comma, not a name.
  if (one.name.includes('@') && !text.includes('"')) return { input: text, message: 'holds 2 addresses; separate addresses with commas' };
  return { text, name: one.name, address: one.address, domain: one.address.slice(one.address.lastIndexOf('@') + 1).toLowerCase() };
}

const isMailbox = (r: Mailbox | AddressProblem): r is Mailbox => 'address' in r;

function positions(ns: readonly number[]): string {
  if (ns.length === 1) return `position ${ns[0]}`;
  return `positions ${ns.slice(0, -1).join(', ')} and ${ns[ns.length - 1]}`;
}

/**
 * A comma-separated list of mailboxes (`ops@example.com, Oncall <oncall@example.org>`).
 * An empty entry is a problem (an address was lost there), and so is a list with
 * no address at all (`,,,`), which would send to nobody. Pure.
 */
export function readAddressList(raw: string): AddressReading {
  const entries = splitEntries(raw);
  if (entries.every((e) => e === '')) return { mailboxes: [], problems: [{ input: raw, message: 'has no address' }] };
  const problems: AddressProblem[] = [];
  const empty = entries.flatMap((e, i) => (e === '' ? [i + 1] : []));
  if (empty.length > 0) problems.push({ input: raw, message: `has no address at ${positions(empty)}` });
  const mailboxes: Mailbox[] = [];
  for (const entry of entries.filter((e) => e !== '')) {
    const read = readEntry(entry);
    if (isMailbox(read)) mailboxes.push(read);
    else problems.push(read);
  }
  return { mailboxes, problems };
}

/** Exactly one mailbox, as a sender is (`Reports <reports@example.com>`). Pure. */
export function readMailbox(raw: string): AddressReading {
  const text = raw.trim();
  if (text === '') return { mailboxes: [], problems: [{ input: raw, message: 'has no address' }] };
  const entries = splitEntries(text);
  if (entries.length > 1) return { mailboxes: [], problems: [{ input: text, message: 'must be one address, not a list' }] };
  const read = readEntry(text);
  return isMailbox(read) ? { mailboxes: [read], problems: [] } : { mailboxes: [], problems: [read] };
}

/** The mailbox of a sender or recipient that was checked already; throws InvalidAddressError otherwise. */
export function mailboxOf(raw: string): Mailbox {
  const read = readMailbox(raw);
  if (read.problems.length > 0 || !read.mailboxes[0]) throw new InvalidAddressError(read.problems);
  return read.mailboxes[0];
}

import { MalformedOnFailureRecordError, parseOnFailureMessage, parseOnFailureRecord, type OnFailureRecord } from '../../shared/recovery/on-failure-record.ts';
import { UsageError } from './errors.ts';

/**
 * The on-failure records of `replay`'s input, all checked before any is
 * replayed. Three forms: one JSON document (an SQS message body, possibly
 * spread over lines), a JSON array of records or of message bodies (what
 * `aws sqs receive-message --query 'Messages[].Body'` prints; its whole output
 * is read too), or one record per line (the local stack's `on-failure.jsonl`).
 * The first problem is one line naming where it is. Pure.
 */
export function parseReplayInput(text: string, name: string): OnFailureRecord[] {
  const whole = tryJson(text);
  if (whole.ok) {
    const value = messagesOf(whole.value);
    if (!Array.isArray(value)) return [at(`${name}`, () => parseOnFailureRecord(value))];
    return value.map((item, i) => at(`${name} record ${i + 1}`, () => (typeof item === 'string' ? parseOnFailureMessage(item) : parseOnFailureRecord(item))));
  }
  const out: OnFailureRecord[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    out.push(at(`${name} line ${i + 1}`, () => parseOnFailureMessage(line)));
  }
  if (out.length === 0) throw new UsageError(`${name} holds no on-failure records`);
  return out;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** `aws sqs receive-message` prints `{"Messages":[{"Body":"…"}]}`: the bodies are the records. */
function messagesOf(value: unknown): unknown {
  const messages = (value as { Messages?: unknown } | null)?.Messages;
  if (!Array.isArray(messages)) return value;
  return messages.map((m) => (m as { Body?: unknown } | null)?.Body);
}

function at(where: string, parse: () => OnFailureRecord): OnFailureRecord {
  try {
    return parse();
  } catch (e) {
    if (e instanceof MalformedOnFailureRecordError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}

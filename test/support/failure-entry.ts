import type { FailureEntry } from '../../shared/capture/entry.ts';
import { errorSignature } from '../../shared/signature/signature.ts';

/** A failure entry as capture makes it: the signature and template of its message, unless the test sets them. */
export function failureEntry(fields: Omit<FailureEntry, 'signature' | 'template'> & Partial<Pick<FailureEntry, 'signature' | 'template'>>): FailureEntry {
  const { signature, template } = errorSignature(fields.message);
  return { signature, template, ...fields };
}

import { truncate } from '../text.ts';
import { exceptionLineOf } from './exception-line.ts';

const TRACEBACK = /^Traceback \(most recent call last\):?$/m;

/**
 * The line of a failure's message that names its error (a traceback's last
 * line, a stack trace's first), frames left out. A Python traceback names
 * its error last, so one whose head was cut (it ends in `…`) may have lost
 * that line: then the template stands in, made from the whole message at
 * capture. Pure.
 */
export function errorLineOf(message: string, template: string): string {
  if (TRACEBACK.test(message) && (message.endsWith('…') || TRACEBACK.test(exceptionLineOf(message)))) return template;
  return exceptionLineOf(message);
}

/**
 * What a summary entry keeps of its message: the error line, cut. The
 * digest's sample and the frames live elsewhere (the day's groups and the
 * user's own table), so every entry of a large day is small to read.
 */
export const MESSAGE_HEAD_CHARS = 160;

export function messageHeadOf(message: string, template: string): string {
  return truncate(errorLineOf(message, template), MESSAGE_HEAD_CHARS);
}

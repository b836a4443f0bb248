import { describe, expect, it } from 'vitest';
import { classifySendError } from '../../shared/email/send-errors.ts';

const answered = (name: string, httpStatusCode: number) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode } });
const network = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('what a failed SendEmail call proves', () => {
  it.each([
    [answered('TooManyRequestsException', 429), 'refused-retryable'],
    [answered('LimitExceededException', 400), 'refused-retryable'],
    [answered('MessageRejected', 400), 'refused'],
    [answered('AccountSuspendedException', 400), 'refused'],
    [answered('BadRequestException', 400), 'refused'],
    [Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }), 'refused'],
    [network('ECONNREFUSED'), 'refused-retryable'],
    [network('ENOTFOUND'), 'refused-retryable'],
    // No answer, or one that does not show a refusal: SES may have accepted the message.
    [answered('InternalFailure', 500), 'in-doubt'],
    [answered('ServiceUnavailable', 503), 'in-doubt'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'in-doubt'],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'in-doubt'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'in-doubt'],
    ['a string', 'in-doubt'],
    [undefined, 'in-doubt'],
  ])('%s is %s', (error, kind) => {
    expect(classifySendError(error)).toBe(kind);
  });
});

import { describe, expect, it } from 'vitest';
import { describeError } from '../../infra/cli/errors.ts';
import { requireLocalEndpoints } from '../../infra/cli/fault-options.ts';
import { injectedBy, parseFaultPlan } from '../../infra/local/faults.ts';

const KINDS = 'the kinds are summary-write, gsi-read, ses-throttle, ses-timeout, crash-after-send';

describe('a --fault that cannot be used', () => {
  it('is a usage error: one line, exit 2', () => {
    const e = (() => {
      try {
        parseFaultPlan(['nope=1']);
      } catch (caught) {
        return caught;
      }
    })();
    expect(describeError(e)).toEqual({ message: `--fault "nope=1": no fault kind "nope"; ${KINDS}`, exitCode: 2 });
  });
});

describe('requireLocalEndpoints', () => {
  const local = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ENDPOINT_URL_SESV2: 'http://localhost:8005' };
  const refused = (what: string) => `--fault works on the local stack only, and ${what} (the export lines that \`failure-digest start\` prints set it)`;

  it.each([
    local,
    { AWS_ENDPOINT_URL_DYNAMODB: 'http://[::1]:8000', AWS_ENDPOINT_URL_SESV2: 'http://127.8.9.10:8005' },
    { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
  ])('accepts loopback endpoints: %j', (env) => {
    expect(() => requireLocalEndpoints(env)).not.toThrow();
  });

  it.each([
    [{}, 'AWS_ENDPOINT_URL_DYNAMODB is not set'],
    [{ ...local, AWS_ENDPOINT_URL_SESV2: '' }, 'AWS_ENDPOINT_URL_SESV2 is not set'],
    [{ ...local, AWS_ENDPOINT_URL_SESV2: 'https://email.eu-west-1.amazonaws.com' }, 'AWS_ENDPOINT_URL_SESV2=https://email.eu-west-1.amazonaws.com is not a loopback address (localhost, 127.0.0.1 or [::1])'],
    [{ ...local, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1.nip.io:8000' }, 'AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1.nip.io:8000 is not a loopback address (localhost, 127.0.0.1 or [::1])'],
    [{ ...local, AWS_ENDPOINT_URL_DYNAMODB: 'localhost:8000' }, 'AWS_ENDPOINT_URL_DYNAMODB=localhost:8000 is not a loopback address (localhost, 127.0.0.1 or [::1])'],
    [{ ...local, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true sends requests to AWS'],
  ])('refuses %j', (env, what) => {
    expect(() => requireLocalEndpoints(env)).toThrow(refused(what));
  });
});

describe('an injected fault reaching the command line', () => {
  it('is one line with its error name, exit 1: the error is the point, not its stack', () => {
    const e = Object.assign(new Error(`Maximum sending rate exceeded. ${injectedBy('ses-throttle')}`), { name: 'TooManyRequestsException' });
    expect(describeError(e)).toEqual({ message: 'TooManyRequestsException: Maximum sending rate exceeded. (injected by --fault ses-throttle)', exitCode: 1 });
  });
});

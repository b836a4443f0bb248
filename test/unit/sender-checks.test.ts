import { describe, expect, it } from 'vitest';
import { blockingProblems, identityFinding, quotaFinding, senderWarnings, type IdentityFinding, type SenderReport } from '../../shared/email/sender-checks.ts';
import { renderSenderReport } from '../../shared/email/sender-report.ts';

const verified = (address: string, identity = address): IdentityFinding => ({
  address,
  identity,
  identityType: identity.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
  verified: true,
  status: 'SUCCESS',
  dkim: 'SUCCESS',
});
const missing = (address: string): IdentityFinding => ({ address, verified: false, status: 'NOT_FOUND' });

/** A report of an account that can send, changed by `over`. */
function report(over: Partial<SenderReport> = {}): SenderReport {
  return {
    sender: verified('reports@example.com', 'example.com'),
    production: true,
    sendingEnabled: true,
    enforcementStatus: 'HEALTHY',
    quota: { max24HourSend: 50_000, sentLast24Hours: 10, left: 49_990, maxSendRate: 14 },
    recipientCount: 2,
    recipients: [],
    ...over,
  };
}

describe('the 24-hour quota', () => {
  it.each([
    [{ Max24HourSend: 200, SentLast24Hours: 150, MaxSendRate: 1 }, { max24HourSend: 200, sentLast24Hours: 150, left: 50, maxSendRate: 1 }],
    [{ Max24HourSend: 200, SentLast24Hours: 250, MaxSendRate: 1 }, { max24HourSend: 200, sentLast24Hours: 250, left: 0, maxSendRate: 1 }],
    [{ Max24HourSend: -1, SentLast24Hours: 9_000, MaxSendRate: 50 }, { max24HourSend: -1, sentLast24Hours: 9_000, left: -1, maxSendRate: 50 }],
  ])('%j', (quota, finding) => {
    expect(quotaFinding(quota)).toEqual(finding);
  });
});

describe('what SES says of an identity', () => {
  it('keeps the type, verification and DKIM of the identity that answered', () => {
    const answer = { identity: 'example.com', output: { $metadata: {}, IdentityType: 'DOMAIN' as const, VerifiedForSendingStatus: false, VerificationStatus: 'PENDING' as const, DkimAttributes: { Status: 'PENDING' as const } } };
    expect(identityFinding('ops@example.com', answer)).toEqual({
      address: 'ops@example.com',
      identity: 'example.com',
      identityType: 'DOMAIN',
      verified: false,
      status: 'PENDING',
      dkim: 'PENDING',
    });
    expect(identityFinding('ops@example.com', undefined)).toEqual(missing('ops@example.com'));
  });
});

describe('what blocks sending', () => {
  it('nothing, for a verified sender with production access and quota left', () => {
    expect(blockingProblems(report())).toEqual([]);
    expect(renderSenderReport(report()).at(-1)).toBe('ready to send');
  });

  it('an unverified sender, pending or unknown', () => {
    expect(blockingProblems(report({ sender: missing('reports@example.com') }))).toEqual([
      'the sender reports@example.com is not verified: neither reports@example.com nor its domain is an SES identity',
    ]);
    const pending = { ...verified('reports@example.com'), verified: false, status: 'PENDING' };
    expect(blockingProblems(report({ sender: pending }))).toEqual(['the sender reports@example.com is not verified: its identity reports@example.com is PENDING verification']);
  });

  it('in the sandbox, the recipients that are not verified, by name; with production access, none are asked', () => {
    const recipients = [verified('ops@example.com'), missing('oncall@example.org'), missing('boss@example.net')];
    expect(blockingProblems(report({ production: false, recipients, recipientCount: 3 }))).toEqual([
      'the SES account is in the sandbox, which mails only verified identities, and 2 recipients are not verified: oncall@example.org, boss@example.net',
    ]);
    expect(blockingProblems(report({ production: false, recipients: recipients.slice(0, 2), recipientCount: 2 }))).toEqual([
      'the SES account is in the sandbox, which mails only verified identities, and 1 recipient is not verified: oncall@example.org',
    ]);
  });

  it('a quota with fewer recipients left than the digest goes to; never an unlimited one', () => {
    expect(blockingProblems(report({ quota: { max24HourSend: 200, sentLast24Hours: 199, left: 1, maxSendRate: 1 } }))).toEqual([
      'the 24-hour sending quota has 1 recipient left (199 of 200 used), and the digest goes to 2 recipients',
    ]);
    expect(blockingProblems(report({ quota: { max24HourSend: 200, sentLast24Hours: 198, left: 2, maxSendRate: 1 } }))).toEqual([]);
    expect(blockingProblems(report({ quota: { max24HourSend: -1, sentLast24Hours: 10 ** 6, left: -1, maxSendRate: 1 } }))).toEqual([]);
  });

  it('an account whose sending is paused', () => {
    expect(blockingProblems(report({ sendingEnabled: false, enforcementStatus: 'SHUTDOWN' }))).toEqual(['sending is paused for this SES account (enforcement status SHUTDOWN)']);
  });
});

describe('the report for a person', () => {
  it('shows every check, the warnings and the problems, one line each', () => {
    const sender = { ...verified('reports@example.com', 'example.com'), dkim: 'PENDING' };
    const lines = renderSenderReport(
      report({ sender, production: false, recipients: [verified('ops@example.com'), missing('oncall@example.org')], quota: { max24HourSend: 200, sentLast24Hours: 3, left: 197, maxSendRate: 1 } }),
    );
    expect(lines).toEqual([
      'sender: reports@example.com, verified, by the domain identity example.com, DKIM PENDING',
      'account: in the SES sandbox, sending enabled, HEALTHY',
      'quota: 197 of 200 recipients left for 24 h (3 sent), at most 1 per second',
      'recipients: 2, 1 verified (the sandbox mails only verified identities)',
      '  ops@example.com: verified, by the address identity ops@example.com',
      '  oncall@example.org: not an SES identity, nor is its domain',
      'warning: DKIM of example.com is PENDING: mail goes out unsigned, and receivers are likelier to mark it as spam',
      'problem: the SES account is in the sandbox, which mails only verified identities, and 1 recipient is not verified: oncall@example.org',
      'not ready to send: 1 problem',
    ]);
    expect(senderWarnings(report())).toEqual([]);
  });

  it('says an unlimited quota is unlimited', () => {
    expect(renderSenderReport(report({ quota: { max24HourSend: -1, sentLast24Hours: 1234, left: -1, maxSendRate: 50 } }))).toContain(
      'quota: unlimited (1,234 sent in the last 24 h), at most 50 per second',
    );
  });
});

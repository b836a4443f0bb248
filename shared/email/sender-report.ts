import { blockingProblems, senderWarnings, type IdentityFinding, type SenderReport } from './sender-checks.ts';

const count = (n: number) => n.toLocaleString('en-US');

function identityText(f: IdentityFinding): string {
  if (f.status === 'NOT_FOUND') return 'not an SES identity, nor is its domain';
  const kind = f.identityType === 'EMAIL_ADDRESS' ? 'address identity' : 'domain identity';
  const state = f.verified ? 'verified' : `not verified (${f.status})`;
  return `${state}, by the ${kind} ${f.identity}`;
}

function quotaText(r: SenderReport): string {
  const q = r.quota;
  const rate = `at most ${count(q.maxSendRate)} per second`;
  if (q.left === -1) return `unlimited (${count(q.sentLast24Hours)} sent in the last 24 h), ${rate}`;
  return `${count(q.left)} of ${count(q.max24HourSend)} recipients left for 24 h (${count(q.sentLast24Hours)} sent), ${rate}`;
}

function recipientsText(r: SenderReport): string[] {
  if (r.production) return [`recipients: ${r.recipientCount}, any address (production access)`];
  const verified = r.recipients.filter((f) => f.verified).length;
  return [
    `recipients: ${r.recipientCount}, ${verified} verified (the sandbox mails only verified identities)`,
    ...r.recipients.map((f) => `  ${f.address}: ${identityText(f)}`),
  ];
}

/**
 * The report for a person: each check on a line, then what blocks sending
 * and what deserves a look, and a last line saying whether the digest can go.
 */
export function renderSenderReport(report: SenderReport): string[] {
  const problems = blockingProblems(report);
  const warnings = senderWarnings(report);
  const dkim = report.sender.dkim ? `, DKIM ${report.sender.dkim}` : '';
  return [
    `sender: ${report.sender.address}, ${identityText(report.sender)}${report.sender.status === 'NOT_FOUND' ? '' : dkim}`,
    `account: ${report.production ? 'production access' : 'in the SES sandbox'}, sending ${report.sendingEnabled ? 'enabled' : 'paused'}${report.enforcementStatus ? `, ${report.enforcementStatus}` : ''}`,
    `quota: ${quotaText(report)}`,
    ...recipientsText(report),
    ...warnings.map((w) => `warning: ${w}`),
    ...problems.map((p) => `problem: ${p}`),
    problems.length === 0 ? 'ready to send' : `not ready to send: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}`,
  ];
}

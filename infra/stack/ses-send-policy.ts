import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { addressOf } from '../../shared/settings/checks.ts';

/**
 * The identities SES may authorize an address against: the address itself,
 * or its domain when the domain is what was verified.
 */
export function identitiesOf(address: string): string[] {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return [address, domain];
}

export interface SesSendOptions {
  /**
   * Recipients (with or without a display name) whose identities must also be allowed: an account in the SES
   * sandbox authorizes each (verified) recipient identity too.
   * @default - none, the production-access case
   */
  readonly sandboxRecipients?: readonly string[];
}

/**
 * Allows sending mail only as `fromAddress`. The SES v2 SendEmail API is
 * authorized as `ses:SendEmail` for the simple content the digest sends, so
 * `ses:SendRawEmail` is not granted.
 */
export function sesSendStatement(scope: Construct, fromAddress: string, options: SesSendOptions = {}): iam.PolicyStatement {
  const stack = Stack.of(scope);
  const identities = new Set(identitiesOf(fromAddress));
  for (const to of options.sandboxRecipients ?? []) for (const id of identitiesOf(addressOf(to))) identities.add(id);
  return new iam.PolicyStatement({
    actions: ['ses:SendEmail'],
    resources: [...identities].map((identity) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    ),
    conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
  });
}

/**
 * What the digest's sender checks read before it sends (shared/email/sender-checks.ts): the account (sandbox,
 * quota; GetAccount has no resource to name) and the identities of the sender and the recipients.
 */
export function sesCheckStatements(scope: Construct, fromAddress: string, recipients: readonly string[]): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const identities = new Set(identitiesOf(fromAddress));
  for (const to of recipients) for (const id of identitiesOf(addressOf(to))) identities.add(id);
  return [
    new iam.PolicyStatement({
      actions: ['ses:GetEmailIdentity'],
      resources: [...identities].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
    }),
    new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }),
  ];
}

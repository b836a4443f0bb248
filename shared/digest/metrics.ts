/**
 * The digest's CloudWatch metrics (EMF, through Powertools): the handlers
 * emit them and the CDK alarms read them, from these names alone.
 */
export const DIGEST_METRICS = {
  namespace: 'failure-digest',
  service: 'digest',
  /** 1 for each day's email SES accepted. */
  sent: 'DigestSent',
  /** 1 for each run that ended without the day's email out, with the ledger state as the `status` dimension. */
  notSent: 'DigestNotSent',
  /** 1 when the watchdog found a day not confirmed sent by its due time. */
  unconfirmed: 'DigestUnconfirmed',
  statusDimension: 'status',
} as const;

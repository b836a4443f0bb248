import { Annotations, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './config.ts';
import { FailureDigestStack } from './failure-digest-stack.ts';

export const STACK_NAME = 'FailureDigest';

export interface BuildAppOptions {
  /**
   * Instant the schedule's skipped-time check starts from.
   * @default Date.now()
   */
  readonly checkFromMs?: number;
}

/**
 * Puts the stack into `app` from the app's context and registers cdk-nag's
 * AwsSolutions pack, so synthesis fails on any finding not acknowledged with
 * a reason. Throws StackConfigError on invalid context.
 */
export function buildApp(app: App, options: BuildAppOptions = {}): FailureDigestStack {
  const config = readStackConfig((key) => app.node.tryGetContext(key));
  const existing = config.existingTable;
  const stack = new FailureDigestStack(app, STACK_NAME, {
    config,
    description: 'failure-digest: daily digest of failed processes from a DynamoDB execution log',
    // An event source mapping reads a stream only in its own account and
    // region, so an attached table decides where the stack goes.
    ...(existing && { env: { account: existing.account, region: existing.region } }),
    ...(options.checkFromMs !== undefined && { checkFromMs: options.checkFromMs }),
  });
  // cdk.json carries example addresses so a fresh clone synthesizes; SES would refuse to send from them.
  if (/@example\.com$/i.test(config.sesFromAddress)) {
    Annotations.of(stack).addWarningV2(
      'failure-digest:example-sender',
      `sesFrom is the example address ${config.sesFromAddress} from cdk.json: pass -c sesFrom=ADDRESS (a verified SES identity) and -c sesTo=... before deploying.`,
    );
  }
  if (!config.alarmEmail) {
    Annotations.of(stack).addWarningV2(
      'failure-digest:no-alarm-email',
      'No alarmEmail given: alarms go to an SNS topic nobody is subscribed to. Pass -c alarmEmail=ADDRESS or subscribe to the AlarmTopicArn output.',
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationsAlarmsProps {
  /** Address subscribed to the alarm topic. @default - no subscription; subscribe later */
  readonly alarmEmail?: string;
  /** The administrators, also subscribed: told when a digest did not go out. @default none */
  readonly adminTo?: readonly string[];
  /** Queues whose first message is worth waking someone for. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Functions whose errors are alarmed. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The stream consumer, whose iterator age tells how far capture lags. */
  readonly streamConsumer: lambda.IFunction;
  /**
   * Lag of the stream consumer that raises the alarm, hours before records
   * reach their maximum age and are dropped.
   * @default Duration.minutes(15)
   */
  readonly iteratorAgeThreshold?: Duration;
}

/** The alarms that say failure-digest itself is failing, sent to one SNS topic. */
export class OperationsAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'failure-digest alarms', enforceSSL: true });
    const subscribers = new Set([...(props.alarmEmail ? [props.alarmEmail] : []), ...(props.adminTo ?? [])]);
    for (const address of subscribers) this.topic.addSubscription(new EmailSubscription(address));
    const add = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => this.addAlarm(alarmId, alarmProps);

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(`${name}DeadLetters`, {
        alarmDescription: `failure-digest: ${name} sent work to its dead-letter queue; it needs a look and a re-drive.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    for (const [name, fn] of Object.entries(props.functions)) this.alarmOnErrors(name, fn);

    const lag = props.iteratorAgeThreshold ?? Duration.minutes(15);
    add('StreamIteratorAge', {
      alarmDescription: `failure-digest: stream capture lags more than ${lag.toHumanString()} behind the execution-log table.`,
      metric: props.streamConsumer.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: lag.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Two periods: one slow batch during a storm is not yet a lag.
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** One more alarm to the topic, raised and cleared. */
  addAlarm(alarmId: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const action = new SnsAction(this.topic);
    const alarm = new cloudwatch.Alarm(this, alarmId, alarmProps);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Alarms on a function's errors, as for those given at construction. */
  alarmOnErrors(name: string, fn: lambda.IFunction): cloudwatch.Alarm {
    return this.addAlarm(`${name}Errors`, {
      alarmDescription: `failure-digest: the ${name} function reported errors.`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

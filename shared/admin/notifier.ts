import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AdminNotice } from './notice.ts';

export type NotifyResult = { readonly told: true; readonly messageId: string } | { readonly told: false; readonly why: string };

/** Tells the administrators; never throws, since it runs when something already went wrong. */
export interface AdminNotifier {
  notify(notice: AdminNotice): Promise<NotifyResult>;
}

/** Publishes to an SNS topic, whose e-mail subscriptions reach the administrators without going through SES. */
export function snsNotifier(sns: SNSClient, topicArn: string): AdminNotifier {
  return {
    async notify(notice) {
      try {
        const out = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.message }));
        return { told: true, messageId: out.MessageId ?? '' };
      } catch (e) {
        return { told: false, why: `SNS Publish to ${topicArn} failed: ${(e as Error).name}: ${(e as Error).message}` };
      }
    },
  };
}

/** No topic is configured: nobody can be told, and the caller says so. */
export function noNotifier(why: string): AdminNotifier {
  return { notify: async () => ({ told: false, why }) };
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-env.ts';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** The sender SNS e-mail subscriptions come from. */
export const SNS_EMAIL_FROM = 'AWS Notifications <no-reply@sns.amazonaws.com>';

export interface SnsLocalOptions {
  /** The SES emulator the e-mail subscriptions are delivered into: the local mailbox. */
  readonly sesEndpoint: string;
  /** Each published notice, one line, into the stack's log. */
  readonly log?: (line: string) => void;
}

/** A route on the local mail server: SNS's query API, beside the SES emulator on one port. */
export interface SnsLocal {
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): void;
}

class SnsAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SnsAnswerError';
  }
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(`<?xml version="1.0"?>\n${body}`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The part of SNS the digest's administrator path uses: CreateTopic,
 * Subscribe (e-mail, confirmed at once, where AWS first mails a confirmation
 * link) and Publish. A publish is written to the stack's log and delivered to
 * each subscriber in the local mailbox with the stack's own SES client, which
 * carries no injected faults: the notice gets through while the digest's
 * SendEmail is failing, as SNS's own mail does on AWS.
 */
export function createSnsLocal(options: SnsLocalOptions): SnsLocal {
  const topics = new Map<string, Set<string>>();
  const ses = new SESv2Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: options.sesEndpoint, maxAttempts: 3 });
  const topicOf = (form: URLSearchParams): [string, Set<string>] => {
    const arn = form.get('TopicArn') ?? '';
    const subscribers = topics.get(arn);
    if (!subscribers) throw new SnsAnswerError(404, 'NotFound', `Topic does not exist: ${arn}`);
    return [arn, subscribers];
  };

  const actions: Record<string, (form: URLSearchParams) => Promise<string>> = {
    async CreateTopic(form) {
      const name = form.get('Name') ?? '';
      if (!/^[\w-]{1,256}$/.test(name)) throw new SnsAnswerError(400, 'InvalidParameter', `Invalid parameter: Topic Name "${name}"`);
      const arn = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
      if (!topics.has(arn)) topics.set(arn, new Set());
      return `<CreateTopicResult><TopicArn>${escapeXml(arn)}</TopicArn></CreateTopicResult>`;
    },
    async Subscribe(form) {
      const [arn, subscribers] = topicOf(form);
      const protocol = form.get('Protocol');
      if (protocol !== 'email') throw new SnsAnswerError(400, 'InvalidParameter', `Invalid parameter: the local stack delivers e-mail subscriptions only, not ${protocol}`);
      subscribers.add(form.get('Endpoint') ?? '');
      return `<SubscribeResult><SubscriptionArn>${escapeXml(`${arn}:${randomUUID()}`)}</SubscriptionArn></SubscribeResult>`;
    },
    async Publish(form) {
      const [arn, subscribers] = topicOf(form);
      const subject = form.get('Subject') ?? 'AWS Notification Message';
      const message = form.get('Message') ?? '';
      if (subject.length > 100 || /[\r\n]/.test(subject)) throw new SnsAnswerError(400, 'InvalidParameter', 'Invalid parameter: Subject');
      const messageId = randomUUID();
      const to = [...subscribers];
      options.log?.(`admin: ${subject} (SNS ${arn.split(':').pop()} to ${to.join(', ') || 'no subscriber'})`);
      if (to.length > 0) {
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: SNS_EMAIL_FROM,
            Destination: { ToAddresses: to },
            Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: `${message}\n\n--\nSent by the local stand-in for SNS topic ${arn}` } } } },
          }),
        );
      }
      return `<PublishResult><MessageId>${messageId}</MessageId></PublishResult>`;
    },
  };

  return {
    matches: (req) => req.method === 'POST' && (req.url === '/' || req.url === '') && /x-www-form-urlencoded/.test(req.headers['content-type'] ?? ''),
    async handle(req, res) {
      const form = await readForm(req);
      const action = form.get('Action') ?? '';
      const run = actions[action];
      try {
        if (!run) throw new SnsAnswerError(400, 'InvalidAction', `The action ${action} is not valid for this endpoint.`);
        const result = await run(form);
        answer(res, 200, `<${action}Response xmlns="${XMLNS}">${result}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`);
      } catch (e) {
        const err = e instanceof SnsAnswerError ? e : new SnsAnswerError(500, 'InternalError', (e as Error).message);
        answer(
          res,
          err.status,
          `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${err.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      }
    },
    close: () => ses.destroy(),
  };
}

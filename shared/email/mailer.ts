import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { headerSafe, MAX_EMAIL_SUBJECT } from './safe-text.ts';

export interface EmailAttachment {
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface OutgoingEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: readonly EmailAttachment[];
}

export interface SendOptions {
  /** Gives up waiting for the answer after this long; the message may still have been accepted. */
  readonly timeoutMs?: number;
}

export interface Mailer {
  /** Sends one email, in one call, and returns the provider's message id. */
  send(email: OutgoingEmail, options?: SendOptions): Promise<string>;
}

export class EmailSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmailSendError';
  }
}

export function sesMailer(ses: SESv2Client): Mailer {
  return {
    async send(email, options = {}) {
      const abortSignal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [...email.to] },
          Content: {
            Simple: {
              // Whoever built the subject, no line break or control character reaches the header.
              Subject: { Data: headerSafe(email.subject, MAX_EMAIL_SUBJECT), Charset: 'UTF-8' },
              Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
              ...(email.attachments?.length
                ? {
                    Attachments: email.attachments.map((a) => ({
                      FileName: a.fileName,
                      ContentType: a.contentType,
                      RawContent: a.bytes,
                      ContentDisposition: 'ATTACHMENT' as const,
                      ContentTransferEncoding: 'BASE64' as const,
                    })),
                  }
                : {}),
            },
          },
        }),
        abortSignal ? { abortSignal } : {},
      );
      if (!out.MessageId) throw new EmailSendError('SES accepted the message but returned no MessageId');
      return out.MessageId;
    },
  };
}

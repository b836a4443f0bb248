import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingEmail } from './mailer.ts';

/**
 * The email as one MIME message (RFC 5322), built by nodemailer's
 * MailComposer: what `--out` writes as `report.eml`, so a person can open
 * in a mail client exactly what would be sent, attachment included.
 */
export async function rawMessage(email: OutgoingEmail, date: Date): Promise<Buffer> {
  const node = new MailComposer({
    from: email.from,
    to: [...email.to],
    subject: email.subject,
    text: email.text,
    html: email.html,
    date,
    attachments: (email.attachments ?? []).map((a) => ({ filename: a.fileName, contentType: a.contentType, content: Buffer.from(a.bytes) })),
  }).compile();
  return node.build();
}

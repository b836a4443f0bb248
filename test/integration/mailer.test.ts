import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyClients } from '../../shared/aws/clients.ts';
import { renderEmail } from '../../shared/digest/render.ts';
import { sesMailer } from '../../shared/email/mailer.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { reportOf } from '../support/reports.ts';
import { mailbox, testClients } from '../support/local.ts';
import { failureEntry } from '../support/failure-entry.ts';

const clients = testClients();
afterAll(() => destroyClients(clients));

describe('the mailer, on the SES emulator', () => {
  it('gives SES a subject of one clean line whatever it is handed', async () => {
    const to = `mailer-${randomUUID().slice(0, 8)}@example.com`;
    const subject = `failure-digest: 1 failure\r\nBcc: x@evil.com\r\nSubject: pwned\u202E\u0000 ${'x'.repeat(400)}`;
    await sesMailer(clients.ses).send({ from: 'failure-digest@example.com', to: [to], subject, text: 'text', html: '<p>html</p>' });
    const [mail] = await mailbox(to);
    expect(mail?.subject).toMatch(/^failure-digest: 1 failure Bcc: x@evil\.com Subject: pwned<U\+202E><U\+0000> x+…$/);
    expect(mail?.subject).toHaveLength(200);
  });

  it('delivers a digest of a hostile item as rendered, its text part with no injected line', async () => {
    const to = `mailer-${randomUUID().slice(0, 8)}@example.com`;
    const window = dayWindow('2026-11-25', 'UTC');
    const entries = [failureEntry({ pk: 'job#1\r\nBcc: x@evil.com', process: 'job\r\nSubject: pwned', event_ts: window.start_ms + 1, message: 'invoice\u202Egnp.exe', source: 'execution-log' })];
    const email = renderEmail(reportOf(window, entries));
    await sesMailer(clients.ses).send({ from: 'failure-digest@example.com', to: [to], ...email });
    const [mail] = await mailbox(to);
    expect(mail?.subject).toBe('failure-digest: 1 failure on 2026-11-25 (UTC)');
    expect(mail?.body.text).toBe(email.text);
    expect(mail?.body.text).toContain('1. job⏎Subject: pwned: 1 failure, at 00:00:00+00:00\n   latest (job#1⏎Bcc: x@evil.com): invoice<U+202E>gnp.exe\n');
    expect(mail?.body.text).toContain('\nBy source: execution-log 1.\n');
    expect(mail?.body.text).not.toMatch(/^(Bcc|Subject):/m);
    expect(mail?.body.html).toBe(email.html);
  });
});

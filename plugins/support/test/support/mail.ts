import nodemailer from 'nodemailer';
import type { TestServer } from '../../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
import { SmtpCapture } from '../../../../core/test/mail/smtp-capture.ts'; // eslint-disable-line no-restricted-imports

export { SmtpCapture };
export { header, body } from '../../../../core/test/mail/smtp-capture.ts'; // eslint-disable-line no-restricted-imports
export { waitFor } from '../../../../core/test/plugins/wait.ts'; // eslint-disable-line no-restricted-imports

export interface OutMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: Buffer | string }>;
}

/** Delivers a mail to the support receiver over SMTP, as the tenant's MX would. */
export async function deliver(port: number, mail: OutMail): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

/** Points the tenant's outgoing mail at the capture server (the platform's SMTP settings). */
export async function mailTo(server: TestServer, tenantId: string, port: number): Promise<void> {
  await server.running.platform.container.cradle.mail.saveSettings(tenantId, { host: '127.0.0.1', port, secure: false, fromEmail: 'desk@acme.test', fromName: 'Acme' });
}

import type { MailAddress, MailMessage } from '@mpanel/sdk';
import type { SendMailOptions } from 'nodemailer';

const fmt = (a: MailAddress) => (a.name ? { name: a.name, address: a.email } : a.email);

/** The SDK's transport-neutral message in nodemailer's shape (SMTP and the .eml writer share it). */
export function nodemailerMessage(m: MailMessage): SendMailOptions {
  const { 'Message-ID': messageId, ...headers } = m.headers ?? {};
  return {
    from: fmt(m.from),
    to: m.to.map(fmt),
    cc: m.cc?.map(fmt),
    bcc: m.bcc?.map(fmt),
    replyTo: m.replyTo ? fmt(m.replyTo) : undefined,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: m.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    messageId,
    headers,
  };
}

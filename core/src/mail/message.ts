import type { MailAddress, MailMessage, MailRecipient, OutgoingMail } from '@mpanel/sdk';
import { ValidationError } from '@mpanel/sdk';
import type { MailSettings } from './settings.ts';

/** What a queued mail job carries: JSON only (attachments in base64). */
export interface QueuedMail {
  mailId: string;
  queuedAt: string;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  replyTo?: MailAddress;
  from?: MailAddress;
  subject: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType: string; base64: string }>;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

function address(r: MailRecipient, field: string): MailAddress {
  const a = typeof r === 'string' ? { email: r } : r;
  if (!EMAIL.test(a.email ?? '')) throw new ValidationError({ [field]: `"${a.email}" is not an email address` });
  return a.name ? { email: a.email, name: a.name } : { email: a.email };
}

const list = (r: MailRecipient | MailRecipient[] | undefined, field: string) => (r === undefined ? undefined : (Array.isArray(r) ? r : [r]).map((x) => address(x, field)));

/** A header name or value with a line break would let a value forge more headers. */
function safeHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[A-Za-z0-9-]{1,76}$/.test(name) || /[\r\n]/.test(String(value))) throw new ValidationError({ headers: `header "${name}" is not allowed` });
  }
  return { ...headers };
}

/** Checks and flattens a plugin's mail into the job payload (errors surface at `send`, not in the job). */
export function toQueued(mail: OutgoingMail, mailId: string, now: Date): QueuedMail {
  const to = list(mail.to, 'to')!;
  if (!to.length) throw new ValidationError({ to: 'needs at least one recipient' });
  if (!mail.subject) throw new ValidationError({ subject: 'is required' });
  const out: QueuedMail = { mailId, queuedAt: now.toISOString(), to, subject: mail.subject, text: mail.text ?? '' };
  if (mail.cc) out.cc = list(mail.cc, 'cc');
  if (mail.bcc) out.bcc = list(mail.bcc, 'bcc');
  if (mail.replyTo) out.replyTo = address(mail.replyTo, 'replyTo');
  if (mail.from) out.from = mail.from;
  if (mail.html) out.html = mail.html;
  if (mail.attachments?.length) out.attachments = mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, base64: Buffer.from(a.content).toString('base64') }));
  if (mail.headers) out.headers = safeHeaders(mail.headers);
  if (mail.idempotencyKey) out.idempotencyKey = mail.idempotencyKey;
  return out;
}

/** The message a transport gets: the tenant's from address unless the mail names one. */
export function toMessage(q: QueuedMail, settings: MailSettings, fallbackFrom: string, brandFrom?: { name: string; address?: string }): MailMessage {
  // A white-label sender (the branding provider's `mailFrom`) comes before the mail settings' defaults.
  const from: MailAddress = { email: q.from?.email || brandFrom?.address || settings.fromEmail || fallbackFrom, name: q.from?.name ?? brandFrom?.name ?? settings.fromName };
  if (!from.name) delete from.name;
  // A branded tenant's Message-ID names its own domain, not the platform.
  const idDomain = brandFrom ? from.email.split('@')[1] ?? 'localhost' : 'mpanel';
  const message: MailMessage = {
    from, to: q.to, subject: q.subject, text: q.text,
    headers: { 'Message-ID': `<${q.mailId}@${idDomain}>`, ...q.headers },
    idempotencyKey: q.idempotencyKey ?? q.mailId,
  };
  if (q.cc) message.cc = q.cc;
  if (q.bcc) message.bcc = q.bcc;
  if (q.replyTo) message.replyTo = q.replyTo;
  if (q.html) message.html = q.html;
  if (q.attachments) message.attachments = q.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.base64, 'base64') }));
  return message;
}

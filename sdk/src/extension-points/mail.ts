import type { ConnectionTestResult, ExtensionCallContext } from './common.ts';

export interface MailAddress {
  email: string;
  name?: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MailMessage {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  replyTo?: MailAddress;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  headers?: Record<string, string>;
  /** Stable id so a retried job does not send twice where the transport supports it. */
  idempotencyKey?: string;
}

export interface MailSendResult {
  /** The transport's message id. */
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** An outgoing mail transport (SMTP, SES, Postmark). Sent from jobs, so calls may be retried. */
export interface MailTransport<TSettings = Record<string, unknown>> {
  displayName: string;
  send(ctx: ExtensionCallContext<TSettings>, message: MailMessage): Promise<MailSendResult>;
  testConnection(ctx: ExtensionCallContext<TSettings>): Promise<ConnectionTestResult>;
}

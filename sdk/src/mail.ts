import type { MailAddress, MailAttachment } from './extension-points/mail.ts';

/** A recipient: `"a@b.c"`, or an address with a display name. */
export type MailRecipient = string | MailAddress;

/** What a plugin hands to `ctx.mail.send`. The sender is the tenant's configured from address unless given. */
export interface OutgoingMail {
  to: MailRecipient | MailRecipient[];
  cc?: MailRecipient[];
  bcc?: MailRecipient[];
  replyTo?: MailRecipient;
  /** Overrides the tenant's from address (its name only, when the email is omitted by the tenant). */
  from?: MailAddress;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  /**
   * Extra headers (`Message-ID`, `In-Reply-To`, `References`, `Auto-Submitted`): a conversation
   * threaded in the recipient's mail client. A `Message-ID` given here replaces the generated one.
   */
  headers?: Record<string, string>;
  /**
   * Stable key (an event id, `invoice:<id>:created`): sending the same key twice for a tenant queues
   * one mail, so at-least-once event handlers do not mail twice.
   */
  idempotencyKey?: string;
}

export interface MailSendOptions {
  /** Default: the tenant of the current request, job or event handler. */
  tenantId?: string;
}

/**
 * `ctx.mail`: the tenant's outgoing mail. `send` only queues (a job written in the current
 * transaction in embedded mode): a request never waits for SMTP, and a failed delivery is retried.
 * Delivery goes through a `MailTransport` extension when one is active for the tenant, else the
 * tenant's SMTP settings, else an outbox folder under DATA_DIR (`mail-outbox/<tenant>/*.eml`).
 */
export interface PluginMail {
  /** Queues the mail; resolves to its id (the queued job's id). */
  send(mail: OutgoingMail, options?: MailSendOptions): Promise<string>;
}

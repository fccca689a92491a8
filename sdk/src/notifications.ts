import { serviceRef } from './services.ts';
import type { MailAddress, MailAttachment } from './extension-points/mail.ts';

/** One language version of a mail template: the three parts a tenant edits. */
export interface MailTemplateParts {
  subject: string;
  html: string;
  text: string;
}

/**
 * A mail a plugin sends, registered once with its defaults (`en` required, `de` and others
 * optional) and the sample data its preview uses. Parts are Handlebars: `{{name}}` is escaped in
 * the HTML part; the text part and the subject are plain text.
 */
export interface MailTemplateDefinition {
  /** `<plugin>.<name>`: `billing.invoice.created`. */
  key: string;
  description?: string;
  defaults: { en: MailTemplateParts } & Record<string, MailTemplateParts>;
  sampleData: Record<string, unknown>;
}

/** A notification type a user may switch channels of (`billing.invoice.overdue`, `tickets.reply`). */
export interface NotificationTypeDefinition {
  type: string;
  description: string;
  /** What a user gets until they change their preferences. */
  defaults: { inApp: boolean; mail: boolean };
  /** Mail template used for the mail channel (its data is the notification's `data`). */
  mailTemplate?: string;
}

export interface TemplatedMail {
  template: string;
  to: MailAddress;
  /** The recipient's language (`de`); unknown or missing languages fall back to `en`. */
  language?: string | null;
  data: Record<string, unknown>;
  /** Files the mail log under this client (and shows it on the client's page). */
  clientId?: string | null;
  userId?: string | null;
  from?: MailAddress;
  replyTo?: MailAddress;
  attachments?: MailAttachment[];
  /**
   * Extra headers, as `ctx.mail.send` (`Message-ID`, `In-Reply-To`, `References`, `Auto-Submitted`):
   * a templated mail can still thread under a conversation. Kept in the mail log for a resend.
   */
  headers?: Record<string, string>;
  /** As `ctx.mail.send`: the same key queues one mail per tenant. */
  idempotencyKey?: string;
  tenantId?: string;
}

export interface NotificationInput {
  type: string;
  /** Recipients: users by id, and/or the tenant's staff holding a permission. */
  userIds?: string[];
  permission?: string;
  title: string;
  body?: string;
  /** A path in the admin UI or portal the bell links to. */
  link?: string;
  data?: Record<string, unknown>;
  /** Makes a redelivered event notify once (per recipient). */
  idempotencyKey?: string;
  tenantId?: string;
}

/**
 * The notifications plugin's service (`requires.services: ['notifications']`, resolved with
 * `ctx.services.tryResolve(notificationsRef)`: absent, a plugin falls back to `ctx.mail`).
 * Every mail goes through the tenant's templates and lands in the mail log.
 */
export interface NotificationsService {
  /** Register phase or boot: a template with its defaults. */
  registerTemplate(definition: MailTemplateDefinition): void;
  registerType(definition: NotificationTypeDefinition): void;
  /** Renders the tenant's version of the template and queues it; resolves to the mail log id. */
  sendMail(mail: TemplatedMail): Promise<string>;
  /** In-app (bell, realtime) and mail per each recipient's preferences; resolves to the number of in-app rows written. */
  notify(input: NotificationInput): Promise<number>;
}

export const notificationsRef = serviceRef<NotificationsService>('notifications');

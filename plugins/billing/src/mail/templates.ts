/** The mails billing sends, with defaults a tenant may override (`mailTemplates` in the settings). */
export type MailKind =
  | 'invoice.created' | 'creditNote.issued' | 'invoice.reminder' | 'invoice.overdue' | 'payment.received' | 'service.suspended'
  // Emitted by payment gateways (Stripe): the client must retry or confirm the payment.
  | 'payment.failed' | 'payment.actionRequired';

export const MAIL_KINDS: MailKind[] = ['invoice.created', 'creditNote.issued', 'invoice.reminder', 'invoice.overdue', 'payment.received', 'service.suspended', 'payment.failed', 'payment.actionRequired'];

export interface MailTemplate {
  subject: string;
  text: string;
}

export const DEFAULT_TEMPLATES: Record<MailKind, MailTemplate> = {
  'invoice.created': {
    subject: 'Invoice {{number}} from {{company}}',
    text: 'Hello {{name}},\n\nInvoice {{number}} for {{total}} is due on {{dueDate}}.\n\n{{company}}',
  },
  'creditNote.issued': {
    subject: 'Credit note {{number}} for invoice {{correctedNumber}}',
    text: 'Hello {{name}},\n\nWe issued credit note {{number}} for {{total}} on invoice {{correctedNumber}}. Nothing is due for it: it reduces what the invoice asks, and what exceeds that is credit on your account.\n\n{{company}}',
  },
  'invoice.reminder': {
    subject: 'Reminder: invoice {{number}} is due on {{dueDate}}',
    text: 'Hello {{name}},\n\nThis is a reminder that invoice {{number}} ({{amountDue}} due) is due on {{dueDate}}.\n\n{{company}}',
  },
  'invoice.overdue': {
    subject: 'Invoice {{number}} is overdue',
    text: 'Hello {{name}},\n\nInvoice {{number}} was due on {{dueDate}}; {{amountDue}} is still open. Please pay it to avoid suspension.\n\n{{company}}',
  },
  'payment.received': {
    subject: 'Payment received for invoice {{number}}',
    text: 'Hello {{name}},\n\nWe received {{amount}} for invoice {{number}}. Thank you.\n\n{{company}}',
  },
  'payment.failed': {
    subject: 'Payment for invoice {{number}} failed',
    text: 'Hello {{name}},\n\nYour payment for invoice {{number}} ({{amountDue}} due) did not go through: {{reason}}.\nPlease try again or use another payment method: {{invoiceUrl}}\n\n{{company}}',
  },
  'payment.actionRequired': {
    subject: 'Please confirm your payment for invoice {{number}}',
    text: 'Hello {{name}},\n\nYour bank asks you to confirm the payment for invoice {{number}} ({{amountDue}}): {{invoiceUrl}}\n\n{{company}}',
  },
  'service.suspended': {
    subject: 'Your service {{service}} is suspended',
    text: 'Hello {{name}},\n\nYour service {{service}} was suspended ({{reason}}). Paying the open invoices restores it.\n\n{{company}}',
  },
};

/** `{{name}}` placeholders; unknown ones are left empty. */
export function renderTemplate(template: MailTemplate, vars: Record<string, string>): MailTemplate {
  const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => vars[key] ?? '');
  return { subject: fill(template.subject), text: fill(template.text) };
}

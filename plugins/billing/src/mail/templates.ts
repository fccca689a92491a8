import type { MailTemplateDefinition, MailTemplateParts } from '@mpanel/sdk';

/** The mails billing sends, with defaults a tenant may override (`mailTemplates` in the settings). */
export type MailKind =
  | 'client.created' | 'invoice.created' | 'creditNote.issued' | 'invoice.reminder' | 'invoice.overdue' | 'payment.received' | 'service.suspended'
  // Emitted by payment gateways (Stripe): the client must retry or confirm the payment.
  | 'payment.failed' | 'payment.actionRequired';

export const MAIL_KINDS: MailKind[] = ['client.created', 'invoice.created', 'creditNote.issued', 'invoice.reminder', 'invoice.overdue', 'payment.received', 'service.suspended', 'payment.failed', 'payment.actionRequired'];

/** The legacy plain-text override of billing's settings (`mailTemplates`). */
export interface MailTemplate {
  subject: string;
  text: string;
}

type Texts = Record<MailKind, MailTemplate>;

const EN: Texts = {
  'client.created': {
    subject: 'Welcome to {{company}}',
    text: 'Hello {{name}},\n\nyour account with {{company}} is ready. You can sign in to the client portal at {{portalUrl}} to order services, pay invoices and ask for help.\n\n{{company}}',
  },
  'invoice.created': {
    subject: 'Invoice {{number}} from {{company}}',
    text: 'Hello {{name}},\n\nInvoice {{number}} for {{total}} is due on {{dueDate}}. View and pay it in the client portal: {{invoiceUrl}}\n\n{{company}}',
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

const DE: Texts = {
  'client.created': {
    subject: 'Willkommen bei {{company}}',
    text: 'Hallo {{name}},\n\nIhr Konto bei {{company}} ist eingerichtet. Im Kundenportal unter {{portalUrl}} bestellen Sie Dienste, bezahlen Rechnungen und erhalten Hilfe.\n\n{{company}}',
  },
  'invoice.created': {
    subject: 'Rechnung {{number}} von {{company}}',
    text: 'Hallo {{name}},\n\ndie Rechnung {{number}} über {{total}} ist am {{dueDate}} fällig. Sie können sie im Kundenportal ansehen und bezahlen: {{invoiceUrl}}\n\n{{company}}',
  },
  'creditNote.issued': {
    subject: 'Gutschrift {{number}} zur Rechnung {{correctedNumber}}',
    text: 'Hallo {{name}},\n\nwir haben die Gutschrift {{number}} über {{total}} zur Rechnung {{correctedNumber}} ausgestellt. Dafür ist nichts zu zahlen: Sie mindert den Rechnungsbetrag, ein Überschuss wird Ihrem Konto gutgeschrieben.\n\n{{company}}',
  },
  'invoice.reminder': {
    subject: 'Erinnerung: Rechnung {{number}} ist am {{dueDate}} fällig',
    text: 'Hallo {{name}},\n\nwir erinnern Sie daran, dass die Rechnung {{number}} ({{amountDue}} offen) am {{dueDate}} fällig ist.\n\n{{company}}',
  },
  'invoice.overdue': {
    subject: 'Rechnung {{number}} ist überfällig',
    text: 'Hallo {{name}},\n\ndie Rechnung {{number}} war am {{dueDate}} fällig; {{amountDue}} sind noch offen. Bitte zahlen Sie, um eine Sperrung zu vermeiden.\n\n{{company}}',
  },
  'payment.received': {
    subject: 'Zahlung für Rechnung {{number}} erhalten',
    text: 'Hallo {{name}},\n\nwir haben {{amount}} für die Rechnung {{number}} erhalten. Vielen Dank.\n\n{{company}}',
  },
  'payment.failed': {
    subject: 'Zahlung für Rechnung {{number}} fehlgeschlagen',
    text: 'Hallo {{name}},\n\nIhre Zahlung für die Rechnung {{number}} ({{amountDue}} offen) ist nicht durchgegangen: {{reason}}.\nBitte versuchen Sie es erneut oder wählen Sie eine andere Zahlungsart: {{invoiceUrl}}\n\n{{company}}',
  },
  'payment.actionRequired': {
    subject: 'Bitte bestätigen Sie Ihre Zahlung für Rechnung {{number}}',
    text: 'Hallo {{name}},\n\nIhre Bank bittet Sie, die Zahlung für die Rechnung {{number}} ({{amountDue}}) zu bestätigen: {{invoiceUrl}}\n\n{{company}}',
  },
  'service.suspended': {
    subject: 'Ihr Dienst {{service}} ist gesperrt',
    text: 'Hallo {{name}},\n\nIhr Dienst {{service}} wurde gesperrt ({{reason}}). Die Zahlung der offenen Rechnungen hebt die Sperre auf.\n\n{{company}}',
  },
};

/** The English defaults (the plain-text fallback when no notifications plugin is active). */
export const DEFAULT_TEMPLATES: Texts = EN;

/** The HTML part from the text: one paragraph per blank-line block (placeholders stay escaped). */
function withHtml(t: MailTemplate): MailTemplateParts {
  return { ...t, html: t.text.split('\n\n').map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('\n') };
}

const SAMPLE = {
  name: 'Ada Lovelace', company: 'Acme Hosting', number: 'INV-2026-00042', correctedNumber: 'INV-2026-00041', total: '$10.00', amountDue: '$10.00',
  amount: '$10.00', dueDate: '2026-12-31', reason: 'overdue', service: 'Web Hosting (example.com)', portalUrl: 'https://panel.example.com/client', invoiceUrl: 'https://panel.example.com/client/invoices/1',
};

export const templateKey = (kind: MailKind): string => `billing.${kind}`;

/** Billing's mails as templates of the notifications plugin (same subjects, English and German). */
export const TEMPLATE_DEFINITIONS: MailTemplateDefinition[] = MAIL_KINDS.map((kind) => ({
  key: templateKey(kind),
  description: `Billing: ${kind}`,
  defaults: { en: withHtml(EN[kind]), de: withHtml(DE[kind]) },
  sampleData: SAMPLE,
}));

/** `{{name}}` placeholders; unknown ones are left empty. */
export function renderTemplate(template: MailTemplate, vars: Record<string, string>): MailTemplate {
  const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => vars[key] ?? '');
  return { subject: fill(template.subject), text: fill(template.text) };
}

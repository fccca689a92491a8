import { notificationsRef, type DomainEvent, type EventHandlerContext } from '@mpanel/sdk';
import { billingFor, type Billing } from '../context.ts';
import type { Plugin } from '../routes/common.ts';
import { formatMoney } from '../domain/money.ts';
import { amountDue } from '../services/invoices.ts';
import { DEFAULT_TEMPLATES, MAIL_KINDS, TEMPLATE_DEFINITIONS, renderTemplate, templateKey, type MailKind, type MailTemplate } from './templates.ts';

type Payload = Record<string, unknown> & { clientId?: string; invoiceId?: string; serviceId?: string };

/** Mails about an invoice that only make sense while it is still open (paid meanwhile: no nagging). */
const ONLY_WHILE_UNPAID = new Set<MailKind>(['invoice.reminder', 'invoice.overdue', 'payment.failed', 'payment.actionRequired']);

async function variables(plugin: Plugin, b: Billing, kind: MailKind, p: Payload): Promise<{ to: { email: string; name: string }; language: string | null; vars: Record<string, string> } | null> {
  const client = (await b.db('clients').where('id', p.clientId ?? '').first()) as Record<string, string> | undefined;
  if (!client) return null;
  const name = `${client.first_name} ${client.last_name}`;
  // The tenant's verified domain when it has one: a reseller's client never gets a link to the platform's host.
  const base = (await plugin.tenantUrl(b.tenantId)) ?? '';
  // Without a company name in billing's settings the mail signs with the tenant's brand (a reseller's, inherited).
  const company = b.settings.companyName ?? (await plugin.branding(b.tenantId)).name;
  const vars: Record<string, string> = { name, company, reason: String(p.reason ?? ''), portalUrl: base ? `${base}/client` : '' };
  if (p.invoiceId) {
    const inv = (await b.db('invoices').where('id', p.invoiceId).first()) as Record<string, unknown> | undefined;
    if (!inv) return null;
    if (ONLY_WHILE_UNPAID.has(kind) && inv.status !== 'unpaid') return null;
    const cur = inv.currency as string;
    const portal = base ? `${base}/client/invoices/${inv.id as string}` : '';
    Object.assign(vars, {
      number: String(inv.number ?? ''), total: formatMoney(Number(inv.total), cur), amountDue: formatMoney(amountDue(inv), cur),
      dueDate: String(p.dueDate ?? isoDay(inv.due_date)), amount: typeof p.amount === 'number' ? formatMoney(p.amount, cur) : '', invoiceUrl: portal,
    });
    if (inv.corrects_invoice_id) {
      const corrected = (await b.db('invoices').where('id', inv.corrects_invoice_id as string).first('number')) as { number: string | null } | undefined;
      vars.correctedNumber = String(corrected?.number ?? '');
    }
  }
  if (p.serviceId) {
    const s = (await b.db('services as s').join('products as p', 'p.id', 's.product_id').where('s.id', p.serviceId).first('p.name', 's.domain')) as Record<string, string> | undefined;
    vars.service = s ? (s.domain ? `${s.name} (${s.domain})` : s.name!) : '';
  }
  return { to: { email: client.email!, name }, language: client.language ?? null, vars };
}

function isoDay(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value ? String(value).slice(0, 10) : '';
}

/**
 * Billing mails follow billing's own durable events and the gateways' `payment.failed` /
 * `payment.actionRequired` (billing owns the client's address, so it is the one to subscribe).
 * With the notifications plugin active they are its templates (`billing.<kind>`: the tenant's
 * edited, branded HTML + text in the client's language, logged per client); without it, or when
 * the tenant still has a plain-text override in billing's settings (`mailTemplates`), the text
 * is rendered here. Either way the mail is queued in the handler's transaction, keyed by the event
 * id: a redelivered event queues no second mail, and SMTP never runs inside the handler.
 */
export function registerMail(plugin: Plugin): void {
  const notifications = plugin.services.tryResolve(notificationsRef);
  for (const definition of TEMPLATE_DEFINITIONS) notifications?.registerTemplate(definition);
  for (const kind of MAIL_KINDS) {
    plugin.events.subscribe<Payload>(kind, async (event: DomainEvent<Payload>, ectx: EventHandlerContext) => {
      if (!event.tenantId) return;
      const b = await billingFor(plugin, ectx.trx, event.tenantId, null);
      const data = await variables(plugin, b, kind, event.payload);
      if (!data) return;
      const from = b.settings.mailFrom || b.settings.companyName ? { from: { email: b.settings.mailFrom ?? '', name: b.settings.companyName ?? undefined } } : {};
      const idempotencyKey = `billing:${event.id}`;
      const legacy: MailTemplate | undefined = b.settings.mailTemplates[kind];
      const service = plugin.services.tryResolve(notificationsRef);
      if (service && !legacy) {
        await service.sendMail({ template: templateKey(kind), to: data.to, language: data.language, data: data.vars, clientId: event.payload.clientId ?? null, idempotencyKey, tenantId: event.tenantId, ...from });
        return;
      }
      const mail = renderTemplate(legacy ?? DEFAULT_TEMPLATES[kind], data.vars);
      await plugin.mail.send({ to: data.to, ...from, subject: mail.subject, text: mail.text, idempotencyKey }, { tenantId: event.tenantId });
    });
  }
}

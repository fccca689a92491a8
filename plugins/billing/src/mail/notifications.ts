import { extensionPoints, type DomainEvent, type EventHandlerContext } from '@mpanel/sdk';
import { billingFor, type Billing } from '../context.ts';
import type { Plugin } from '../routes/common.ts';
import { formatMoney } from '../domain/money.ts';
import { amountDue } from '../services/invoices.ts';
import { DEFAULT_TEMPLATES, renderTemplate, type MailKind, type MailTemplate } from './templates.ts';

type Payload = Record<string, unknown> & { clientId?: string; invoiceId?: string; serviceId?: string };

async function variables(b: Billing, kind: MailKind, p: Payload): Promise<{ to: { email: string; name: string }; vars: Record<string, string> } | null> {
  const client = (await b.db('clients').where('id', p.clientId ?? '').first()) as Record<string, string> | undefined;
  if (!client) return null;
  const name = `${client.first_name} ${client.last_name}`;
  const vars: Record<string, string> = { name, company: b.settings.companyName ?? '' };
  if (p.invoiceId) {
    const inv = (await b.db('invoices').where('id', p.invoiceId).first()) as Record<string, unknown> | undefined;
    if (!inv) return null;
    if (kind !== 'payment.received' && inv.status !== 'unpaid' && kind !== 'invoice.created') return null; // paid meanwhile: no nagging
    const cur = inv.currency as string;
    Object.assign(vars, {
      number: String(inv.number), total: formatMoney(Number(inv.total), cur), amountDue: formatMoney(amountDue(inv), cur),
      dueDate: String(p.dueDate ?? ''), amount: typeof p.amount === 'number' ? formatMoney(p.amount, cur) : '',
    });
  }
  if (p.serviceId) {
    const s = (await b.db('services as s').join('products as p', 'p.id', 's.product_id').where('s.id', p.serviceId).first('p.name', 's.domain')) as Record<string, string> | undefined;
    vars.service = s ? (s.domain ? `${s.name} (${s.domain})` : s.name!) : '';
    vars.reason = String(p.reason ?? '');
  }
  return { to: { email: client.email!, name }, vars };
}

/**
 * Billing mails follow its own durable events (after commit, at-least-once; the event id is the
 * idempotency key). They go through a mail transport extension when one is active for the tenant;
 * core has no mail service yet (see the report), so without one the mail is only logged.
 */
export function registerMail(plugin: Plugin): void {
  const kinds: MailKind[] = ['invoice.created', 'invoice.reminder', 'invoice.overdue', 'payment.received', 'service.suspended'];
  for (const kind of kinds) {
    plugin.events.subscribe<Payload>(kind, async (event: DomainEvent<Payload>, ectx: EventHandlerContext) => {
      if (!event.tenantId) return;
      const b = await billingFor(plugin, ectx.trx, event.tenantId, null);
      const data = await variables(b, kind, event.payload);
      if (!data) return;
      const template: MailTemplate = b.settings.mailTemplates[kind] ?? DEFAULT_TEMPLATES[kind];
      const mail = renderTemplate(template, data.vars);
      const transport = plugin.extensions.list(extensionPoints.mail)[0];
      if (!transport) {
        ectx.logger.info({ kind, to: data.to.email, subject: mail.subject }, 'billing mail not sent: no mail transport');
        return;
      }
      await transport.impl.send({ tenantId: event.tenantId, settings: {} }, {
        from: { email: b.settings.mailFrom ?? 'billing@localhost', name: b.settings.companyName ?? 'Billing' },
        to: [data.to], subject: mail.subject, text: mail.text, idempotencyKey: event.id,
      });
    });
  }
}

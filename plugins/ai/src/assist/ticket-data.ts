import { NotFoundError, formatMoney, isClientScoped, type Principal } from '@mpanel/sdk';
import type { Knex } from 'knex';

export interface TicketRow { id: string; number: number; subject: string; client_id: string | null; department_id: string; priority: string; status: string; contact_name: string | null }

/**
 * A ticket of the tenant for staff who work tickets (support's rule: `tickets.manage`, not a
 * client user); anything else, another tenant's ticket included, is a 404.
 */
export async function staffTicket(trx: Knex.Transaction, tenantId: string, p: Principal, id: string): Promise<TicketRow> {
  if (isClientScoped(p) || !p.permissions.has('tickets.manage')) throw new NotFoundError('Ticket not found');
  const row = (await trx('tickets').where({ tenant_id: tenantId, id }).first('id', 'number', 'subject', 'client_id', 'department_id', 'priority', 'status', 'contact_name')) as TicketRow | undefined;
  if (!row) throw new NotFoundError('Ticket not found');
  return row;
}

/** The conversation the client sees (internal notes stay out of prompts), oldest first, the last `limit` messages. */
export async function publicMessages(trx: Knex.Transaction, tenantId: string, ticketId: string, limit = 20): Promise<Array<{ author: string; body: string }>> {
  const rows = (await trx('ticket_messages').where({ tenant_id: tenantId, ticket_id: ticketId, internal: false })
    .orderBy('created_at', 'desc').limit(limit).select('author_kind', 'body')) as Array<{ author_kind: string; body: string }>;
  return rows.reverse().map((r) => ({ author: r.author_kind, body: r.body }));
}

/**
 * The client's services and recent invoices, only as far as the staff member may read them
 * (`services.read`, `invoices.read`): the prompt never holds more than the person asking could open.
 * No card data, no addresses, no notes: product, status, domain, dates and amounts.
 */
export async function clientRecords(trx: Knex.Transaction, tenantId: string, p: Principal, clientId: string | null): Promise<string[]> {
  if (!clientId) return [];
  const lines: string[] = [];
  if (p.permissions.has('services.read')) {
    const services = (await trx('services as s').join('products as pr', 'pr.id', 's.product_id').where({ 's.tenant_id': tenantId, 's.client_id': clientId })
      .orderBy('s.created_at', 'desc').limit(10).select('pr.name', 's.status', 's.domain', 's.next_due_date', 's.amount', 's.currency', 's.cycle')) as Array<Record<string, unknown>>;
    for (const s of services) {
      lines.push(`Service: ${String(s.name)} (${String(s.status)})${s.domain ? ` for ${String(s.domain)}` : ''}, ${formatAmount(s.amount, s.currency)} ${String(s.cycle)}${s.next_due_date ? `, next due ${isoDay(s.next_due_date)}` : ''}`);
    }
  }
  if (p.permissions.has('invoices.read')) {
    const invoices = (await trx('invoices').where({ tenant_id: tenantId, client_id: clientId }).whereNot('status', 'draft')
      .orderBy('created_at', 'desc').limit(5).select('number', 'status', 'total', 'amount_paid', 'currency', 'due_date')) as Array<Record<string, unknown>>;
    for (const i of invoices) {
      lines.push(`Invoice ${String(i.number ?? '(unnumbered)')}: ${String(i.status)}, total ${formatAmount(i.total, i.currency)}, paid ${formatAmount(i.amount_paid, i.currency)}${i.due_date ? `, due ${isoDay(i.due_date)}` : ''}`);
    }
  }
  return lines;
}

const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const formatAmount = (minor: unknown, currency: unknown) => formatMoney(Number(minor), String(currency));

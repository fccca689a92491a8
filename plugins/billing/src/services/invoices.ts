import { MAX_AMOUNT, NotFoundError, ValidationError, assertClientOwns, scopeToClient } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int, isoDate, isoTime, paginate, type Page } from '../db.ts';
import type { IsoDate } from '../domain/dates.ts';
import { computeInvoice, type DraftLine } from '../domain/invoice.ts';
import { drawInvoiceNumbers } from './numbering.ts';
import { loadTaxRules, taxSetupFor, type TaxedClient } from './taxes.ts';
import type { TaxRule } from '../domain/tax.ts';

/** An invoice adds at most a thousand maximal prices: sums over invoices (balances, reports) stay exact. */
const MAX_INVOICE_TOTAL = 1000 * MAX_AMOUNT;

export type ItemKind = 'recurring' | 'order' | 'setup' | 'upgrade' | 'late_fee' | 'credit_note' | 'manual' | 'wholesale';

export interface DraftItem extends DraftLine {
  kind: ItemKind;
  serviceId?: string | null;
  /** Recurring/order lines: the period paid for; unique per (service, period start). */
  periodStart?: IsoDate | null;
  periodEnd?: IsoDate | null;
}

export interface InvoiceDraft {
  client: TaxedClient & { id: string };
  currency: string;
  issueDate: IsoDate;
  dueDate: IsoDate;
  orderId?: string | null;
  lateFeeForInvoiceId?: string | null;
  kind?: 'invoice' | 'credit_note';
  correctsInvoiceId?: string | null;
  items: DraftItem[];
}

export interface CreatedInvoice {
  id: string;
  number: string;
  clientId: string;
  currency: string;
  total: number;
  dueDate: IsoDate;
}

/**
 * Issues invoices in one go: totals from the domain (tax per line), numbers drawn as one block,
 * rows and items inserted in bulk, one `invoice.created` event each (`creditNote.issued` for a credit note). Callers pass `rules` when
 * they issue many invoices (the billing run) so tax rules are read once.
 */
export async function createInvoices(b: Billing, drafts: InvoiceDraft[], rules?: TaxRule[]): Promise<CreatedInvoice[]> {
  if (drafts.length === 0) return [];
  const taxRules = rules ?? (await loadTaxRules(b));
  const computed = drafts.map((d) => computeInvoice(d.items, taxSetupFor(b, taxRules, d.client, d.issueDate)));
  // Each price is bounded, but 50 lines of 1000 units could still leave exact integers behind.
  if (computed.some((c) => c.lines.some((l) => Math.abs(l.total) > MAX_INVOICE_TOTAL) || Math.abs(c.total) > MAX_INVOICE_TOTAL)) {
    throw new ValidationError({ items: 'the invoice total is too large' });
  }
  const numbers = await drawNumbers(b, drafts);
  const rows = await b.db.insert<{ id: string }>('invoices', drafts.map((d, i) => {
    const c = computed[i]!;
    return {
      client_id: d.client.id,
      order_id: d.orderId ?? null,
      kind: d.kind ?? 'invoice',
      corrects_invoice_id: d.correctsInvoiceId ?? null,
      late_fee_for_invoice_id: d.lateFeeForInvoiceId ?? null,
      number: numbers[i],
      status: c.total <= 0 && (d.kind ?? 'invoice') === 'invoice' ? 'paid' : 'unpaid',
      paid_at: c.total <= 0 ? b.db.trx.fn.now() : null,
      currency: d.currency,
      subtotal: c.subtotal,
      tax: c.tax,
      total: c.total,
      tax_breakdown: JSON.stringify(c.taxBreakdown),
      tax_note: c.taxNote,
      issue_date: d.issueDate,
      due_date: d.dueDate,
    };
  }));
  const items = drafts.flatMap((d, i) => computed[i]!.lines.map((l, position) => {
    const item = d.items[position]!;
    return {
      invoice_id: rows[i]!.id,
      service_id: item.serviceId ?? null,
      kind: item.kind,
      description: l.description,
      unit_amount: l.unitAmount,
      quantity: l.quantity,
      discount: l.discount,
      net: l.net,
      tax1: l.tax1,
      tax2: l.tax2,
      total: l.total,
      taxable: l.taxable,
      period_start: item.periodStart ?? null,
      period_end: item.periodEnd ?? null,
      position,
    };
  }));
  await b.db.insert('invoice_items', items);
  const created = drafts.map((d, i): CreatedInvoice => ({
    id: rows[i]!.id, number: numbers[i]!, clientId: d.client.id, currency: d.currency, total: computed[i]!.total, dueDate: d.dueDate,
  }));
  for (const [i, inv] of created.entries()) {
    const event = { invoiceId: inv.id, number: inv.number, clientId: inv.clientId, total: inv.total, currency: inv.currency };
    // A credit note is never due: it has an event (and a mail) of its own.
    if (drafts[i]!.kind === 'credit_note') await b.emit('creditNote.issued', { ...event, correctsInvoiceId: drafts[i]!.correctsInvoiceId ?? null });
    else await b.emit('invoice.created', { ...event, dueDate: inv.dueDate });
  }
  return created;
}

/** Each draft's number from its kind's series (invoices and credit notes are numbered apart). */
async function drawNumbers(b: Billing, drafts: InvoiceDraft[]): Promise<string[]> {
  const numbers: string[] = [];
  for (const series of ['invoice', 'credit_note'] as const) {
    const of = drafts.flatMap((d, i) => ((d.kind ?? 'invoice') === series ? [i] : []));
    if (!of.length) continue;
    const drawn = await drawInvoiceNumbers(b, of.length, drafts[of[0]!]!.issueDate, series);
    of.forEach((index, n) => { numbers[index] = drawn[n]!; });
  }
  return numbers;
}

export type InvoiceRow = Record<string, unknown> & { id: string; client_id: string; status: string; currency: string; total: number; amount_paid: number };

export function amountDue(row: Record<string, unknown>): number {
  return row.status === 'unpaid' ? Math.max(int(row.total) - int(row.amount_paid), 0) : 0;
}

export function toInvoiceSummary(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    number: (row.number as string | null) ?? null,
    kind: row.kind as string,
    clientId: row.client_id as string,
    orderId: (row.order_id as string | null) ?? null,
    status: row.status as string,
    currency: row.currency as string,
    subtotal: int(row.subtotal),
    tax: int(row.tax),
    total: int(row.total),
    amountPaid: int(row.amount_paid),
    amountDue: amountDue(row),
    taxBreakdown: row.tax_breakdown as unknown[],
    taxNote: (row.tax_note as string | null) ?? null,
    issueDate: isoDate(row.issue_date),
    dueDate: isoDate(row.due_date),
    paidAt: isoTime(row.paid_at),
    flags: row.flags as unknown[],
    createdAt: isoTime(row.created_at),
  };
}

export function toItem(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    kind: row.kind as string,
    serviceId: (row.service_id as string | null) ?? null,
    description: row.description as string,
    unitAmount: int(row.unit_amount),
    quantity: Number(row.quantity),
    discount: int(row.discount),
    net: int(row.net),
    tax1: int(row.tax1),
    tax2: int(row.tax2),
    total: int(row.total),
    periodStart: isoDate(row.period_start),
    periodEnd: isoDate(row.period_end),
  };
}

function toPayment(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    gateway: row.gateway as string,
    transactionId: row.transaction_id as string,
    amount: int(row.amount),
    applied: int(row.applied),
    refunded: int(row.refunded),
    currency: row.currency as string,
    paidAt: isoTime(row.paid_at),
  };
}

/** An invoice the caller may see (client users: their own only), optionally locked for a money change. */
export async function getInvoiceRow(b: Billing, id: string, lock = false): Promise<InvoiceRow> {
  const q = b.db('invoices').where('id', id);
  if (lock) q.forUpdate();
  const row = (await q.first()) as InvoiceRow | undefined;
  if (!row) throw new NotFoundError('Invoice not found');
  assertClientOwns(b.principal ?? undefined, row.client_id);
  return row;
}

export async function getInvoice(b: Billing, id: string) {
  const row = await getInvoiceRow(b, id);
  const items = (await b.db('invoice_items').where('invoice_id', id).orderBy('position')) as Array<Record<string, unknown>>;
  const payments = (await b.db('payments').where('invoice_id', id).orderBy('paid_at')) as Array<Record<string, unknown>>;
  const refunds = (await b.db('refunds').where('invoice_id', id).orderBy('created_at')) as Array<Record<string, unknown>>;
  return {
    ...toInvoiceSummary(row),
    items: items.map(toItem),
    payments: payments.map(toPayment),
    refunds: refunds.map((r) => ({ id: r.id as string, amount: int(r.amount), reason: (r.reason as string | null) ?? null, gateway: r.gateway as string, createdAt: isoTime(r.created_at) })),
  };
}

export async function listInvoices(b: Billing, page: Page, filter: { status?: string; clientId?: string }) {
  const q = scopeToClient(b.db('invoices'), b.principal ?? undefined);
  if (filter.status) q.where('status', filter.status);
  if (filter.clientId) q.where('client_id', filter.clientId);
  return paginate(q, page, ['created_at', 'id'], toInvoiceSummary);
}

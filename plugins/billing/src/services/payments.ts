import { ConflictError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int } from '../db.ts';
import { creditToApply, settlePayment } from '../domain/ledger.ts';
import { creditBalance } from './clients.ts';
import { amountDue, getInvoiceRow, type CreatedInvoice, type InvoiceRow } from './invoices.ts';
import { onInvoicePaid } from './fulfilment.ts';

export interface PaymentInput {
  invoiceId: string;
  amount: number;
  currency?: string;
  gateway: string;
  transactionId: string;
  paidAt?: string;
}

/**
 * The one way money comes in — staff payments, gateway webhooks and client credit all land here.
 * Unique per (gateway, transaction id) by the database: a second delivery inserts nothing and
 * returns `recorded: false` (staff routes turn that into 409). What covers the amount due goes on
 * the invoice; an overpayment becomes client credit. `invoice.paid` once covered.
 */
export async function recordPayment(
  b: Billing,
  input: PaymentInput,
  /** The invoice row already read with FOR UPDATE in this transaction, unchanged since (saves a read). */
  lockedRow?: InvoiceRow,
): Promise<{ recorded: boolean; paymentId: string | null }> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new ValidationError({ amount: 'must be a positive integer of minor units' });
  const invoice = lockedRow?.id === input.invoiceId ? lockedRow : await getInvoiceRow(b, input.invoiceId, true);
  if (input.currency && input.currency !== invoice.currency) throw new ValidationError({ currency: `the invoice is in ${invoice.currency}` });
  if (invoice.status !== 'unpaid' && invoice.status !== 'paid') throw new ConflictError(`The invoice is ${String(invoice.status)}`);
  const { applied, overpayment } = settlePayment(amountDue(invoice), input.amount);
  const paid = int(invoice.amount_paid) + applied;
  const covered = applied > 0 && paid >= int(invoice.total) && invoice.status === 'unpaid';
  // One round trip for the payment and its effect on the invoice (a webhook per payment is the hot
  // path): the UPDATE runs only if the INSERT did, i.e. not for a second delivery of the same payment.
  const inserted = (await b.db.trx.raw(
    `WITH p AS (
       INSERT INTO payments (tenant_id, invoice_id, client_id, gateway, transaction_id, amount, currency, applied, paid_at, recorded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, gateway, transaction_id) DO NOTHING RETURNING id
     ), u AS (
       UPDATE invoices SET amount_paid = ?, status = CASE WHEN ? THEN 'paid' ELSE status END,
              paid_at = CASE WHEN ? THEN now() ELSE paid_at END, updated_at = now()
        WHERE id = ? AND tenant_id = ? AND ? > 0 AND EXISTS (SELECT 1 FROM p)
     )
     SELECT id FROM p`,
    [b.tenantId, invoice.id, invoice.client_id, input.gateway, input.transactionId, input.amount, invoice.currency, applied,
      input.paidAt ?? new Date().toISOString(), b.principal?.userId ?? null,
      paid, covered, covered, invoice.id, b.tenantId, applied],
  )) as { rows: Array<{ id: string }> };
  const paymentId = inserted.rows[0]?.id;
  if (!paymentId) return { recorded: false, paymentId: null };
  if (overpayment > 0) {
    await b.db.insert('credit_ledger', {
      client_id: invoice.client_id, amount: overpayment, currency: invoice.currency, reason: 'overpayment', invoice_id: invoice.id, payment_id: paymentId,
    });
  }
  await b.emit('payment.received', {
    paymentId, invoiceId: invoice.id, clientId: invoice.client_id, gateway: input.gateway, transactionId: input.transactionId,
    amount: input.amount, applied, overpayment, currency: invoice.currency,
  });
  if (covered) await invoiceCovered(b, invoice);
  return { recorded: true, paymentId };
}

/** Adds `applied` to a locked invoice and marks it paid (with its consequences) once covered. */
export async function applyToInvoice(b: Billing, invoice: InvoiceRow, applied: number): Promise<void> {
  if (applied <= 0) return;
  const paid = int(invoice.amount_paid) + applied;
  const covered = paid >= int(invoice.total) && invoice.status === 'unpaid';
  await b.db('invoices').where('id', invoice.id).update({
    amount_paid: paid,
    ...(covered ? { status: 'paid', paid_at: b.db.trx.fn.now() } : {}),
    updated_at: b.db.trx.fn.now(),
  });
  if (covered) await invoiceCovered(b, invoice);
}

/** What follows an invoice becoming paid: `invoice.paid`, the order accepted, services (re)activated. */
async function invoiceCovered(b: Billing, invoice: InvoiceRow): Promise<void> {
  await b.emit('invoice.paid', { invoiceId: invoice.id, number: invoice.number, clientId: invoice.client_id, total: int(invoice.total), currency: invoice.currency });
  await onInvoicePaid(b, invoice.id);
}

/**
 * Pays an invoice from the client's credit balance (the ledger records the use, a `credit`
 * payment whose transaction id is the ledger entry records the application).
 */
export async function applyCredit(b: Billing, invoiceId: string, max?: number): Promise<number> {
  const invoice = await getInvoiceRow(b, invoiceId, true);
  // Serialise credit use per client: two invoices must not spend the same balance.
  await b.db('clients').where('id', invoice.client_id).forUpdate().first('id');
  const balance = await creditBalance(b, invoice.client_id);
  const use = Math.min(creditToApply(balance, amountDue(invoice)), max ?? Number.MAX_SAFE_INTEGER);
  if (use <= 0) return 0;
  const [entry] = await b.db.insert<{ id: string }>('credit_ledger', {
    client_id: invoice.client_id, amount: -use, currency: invoice.currency, reason: 'applied to invoice', invoice_id: invoice.id,
  });
  await b.db.insert('payments', {
    invoice_id: invoice.id, client_id: invoice.client_id, gateway: 'credit', transaction_id: entry!.id, amount: use,
    currency: invoice.currency, applied: use, paid_at: b.db.trx.fn.now(), recorded_by: b.principal?.userId ?? null,
  });
  await applyToInvoice(b, invoice, use);
  return use;
}

/** After issuing: free invoices count as paid at once; credit is used when the tenant enables it. */
export async function settleNewInvoices(b: Billing, invoices: CreatedInvoice[], clientsWithCredit?: ReadonlySet<string>): Promise<void> {
  for (const inv of invoices) {
    if (inv.total <= 0) {
      await b.emit('invoice.paid', { invoiceId: inv.id, number: inv.number, clientId: inv.clientId, total: inv.total, currency: inv.currency });
      await onInvoicePaid(b, inv.id);
    } else if (b.settings.autoApplyCredit && (!clientsWithCredit || clientsWithCredit.has(inv.clientId))) {
      await applyCredit(b, inv.id);
    }
  }
}

/** Clients (of a set) with a positive credit balance, in one query — the billing run's shortcut. */
export async function clientsWithCredit(b: Billing, clientIds: string[]): Promise<Set<string>> {
  if (!clientIds.length) return new Set();
  const rows = (await b.db('credit_ledger').whereIn('client_id', clientIds).groupBy('client_id').havingRaw('sum(amount) > 0').select('client_id')) as Array<{ client_id: string }>;
  return new Set(rows.map((r) => r.client_id));
}

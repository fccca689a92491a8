import { ConflictError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int } from '../db.ts';
import { getClientRow } from './clients.ts';
import { amountDue, createInvoices, getInvoiceRow, type DraftItem } from './invoices.ts';
import { applyToInvoice } from './payments.ts';
import { assertReturnable } from './money-back.ts';

export interface CreditNoteInput {
  /** The credit note's total (tax included), minor units. */
  amount: number;
  reason: string;
  /** Lines to credit (taxed like an invoice for this client); their total must equal `amount`. */
  lines?: Array<{ description: string; amount: number; taxable?: boolean }>;
}

/**
 * Corrects an issued invoice without touching it (issued lines never change): a credit note is a
 * document of its own (kind `credit_note`, its own number, `corrects_invoice_id`). What it credits
 * first reduces the invoice's amount due — recorded as a `credit_note` payment on the invoice, which
 * may complete it — and whatever exceeds the amount due (an invoice already paid) becomes client
 * credit in the ledger. The credits of an invoice never exceed its total, and what becomes credit
 * counts against the money received like a refund does (money-back.ts).
 */
export async function issueCreditNote(b: Billing, invoiceId: string, input: CreditNoteInput): Promise<{ creditNoteId: string; appliedToInvoice: number; toCredit: number }> {
  const invoice = await getInvoiceRow(b, invoiceId, true);
  if (invoice.kind !== 'invoice') throw new ConflictError('A credit note corrects an invoice, not another credit note');
  if (invoice.status !== 'unpaid' && invoice.status !== 'paid') throw new ConflictError(`The invoice is ${invoice.status}`);
  const [credited] = (await b.db('invoices').where({ corrects_invoice_id: invoice.id, kind: 'credit_note' }).sum({ total: 'total' })) as Array<{ total: string | number | null }>;
  const left = int(invoice.total) - int(credited?.total);
  if (input.amount > left) throw new ValidationError({ amount: `at most ${left} of this invoice is left to credit` });
  const applied = Math.min(input.amount, amountDue(invoice));
  const toCredit = input.amount - applied;
  await assertReturnable(b, invoice, toCredit);

  const items: DraftItem[] = input.lines?.length
    ? input.lines.map((l) => ({ kind: 'credit_note', description: l.description, unitAmount: l.amount, quantity: 1, discount: 0, taxable: l.taxable ?? true }))
    : [{ kind: 'credit_note', description: `Credit for invoice ${String(invoice.number)}: ${input.reason}`, unitAmount: input.amount, quantity: 1, discount: 0, taxable: false }];
  const client = await getClientRow(b, invoice.client_id);
  const [note] = await createInvoices(b, [{
    client: client as never, currency: invoice.currency, issueDate: b.today, dueDate: b.today,
    kind: 'credit_note', correctsInvoiceId: invoice.id, items,
  }]);
  if (note!.total !== input.amount) throw new ValidationError({ amount: `the lines total ${note!.total} (tax included), not ${input.amount}` });
  // A credit note is settled as it is issued: it is never due, dunned or charged.
  await b.db('invoices').where('id', note!.id).update({ status: 'paid', paid_at: b.db.trx.fn.now() });

  if (applied > 0) {
    await b.db.insert('payments', {
      invoice_id: invoice.id, client_id: invoice.client_id, gateway: 'credit_note', transaction_id: note!.id, amount: applied,
      currency: invoice.currency, applied, paid_at: b.db.trx.fn.now(), recorded_by: b.principal?.userId ?? null,
    });
    await applyToInvoice(b, invoice, applied);
  }
  if (toCredit > 0) {
    await b.db.insert('credit_ledger', { client_id: invoice.client_id, amount: toCredit, currency: invoice.currency, reason: `credit note ${note!.number}`, invoice_id: note!.id });
  }
  return { creditNoteId: note!.id, appliedToInvoice: applied, toCredit };
}

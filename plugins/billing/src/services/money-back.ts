import { ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int } from '../db.ts';
import type { InvoiceRow } from './invoices.ts';

/**
 * The one rule for giving money back on an invoice: refunds plus the part of its credit notes that
 * became client credit never exceed the money received on it (payments applied, a credit note's own
 * share excluded: it is not money). Both refunds and credit notes call this holding the invoice's
 * row lock (FOR UPDATE), so two of them on one invoice run one after the other and the second sees
 * the first's rows; without the rule a paid invoice could be credited in full and refunded in full.
 */
export async function assertReturnable(b: Billing, invoice: InvoiceRow, amount: number): Promise<void> {
  const { rows } = (await b.db.trx.raw(
    `SELECT
       (SELECT coalesce(sum(applied), 0) FROM payments WHERE invoice_id = :id AND gateway <> 'credit_note') AS received,
       (SELECT coalesce(sum(amount), 0) FROM refunds WHERE invoice_id = :id) AS refunded,
       (SELECT coalesce(sum(total), 0) FROM invoices WHERE corrects_invoice_id = :id AND kind = 'credit_note')
         - (SELECT coalesce(sum(applied), 0) FROM payments WHERE invoice_id = :id AND gateway = 'credit_note') AS credited`,
    { id: invoice.id },
  )) as { rows: Array<{ received: string | number; refunded: string | number; credited: string | number }> };
  const r = rows[0]!;
  const left = int(r.received) - int(r.refunded) - int(r.credited);
  if (amount > left) {
    throw new ValidationError({ amount: `at most ${Math.max(left, 0)} of the money received on this invoice is left to give back (refunds and credit notes together)` });
  }
}

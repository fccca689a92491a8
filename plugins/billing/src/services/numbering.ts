import type { Billing } from '../context.ts';
import type { IsoDate } from '../domain/dates.ts';
import { formatInvoiceNumber } from '../domain/numbering.ts';

/** Invoices and credit notes are numbered in series of their own, each with its format setting. */
export type NumberSeries = 'invoice' | 'credit_note';

/**
 * Draws `count` consecutive numbers of a series. The upsert takes the tenant's counter row lock
 * until the transaction ends: a concurrent issuer waits, and if this transaction rolls back its
 * numbers were never taken — so numbers have no gaps and no duplicates.
 */
export async function drawInvoiceNumbers(b: Billing, count: number, issueDate: IsoDate, series: NumberSeries = 'invoice'): Promise<string[]> {
  if (count === 0) return [];
  const { rows } = (await b.db.trx.raw(
    `INSERT INTO invoice_sequences (tenant_id, series, last_value) VALUES (?, ?, ?)
     ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = invoice_sequences.last_value + EXCLUDED.last_value
     RETURNING last_value`,
    [b.tenantId, series, count],
  )) as { rows: Array<{ last_value: number | string }> };
  const last = Number(rows[0]!.last_value);
  const format = series === 'credit_note' ? b.settings.creditNoteNumberFormat : b.settings.invoiceNumberFormat;
  return Array.from({ length: count }, (_, i) => formatInvoiceNumber(format, issueDate, last - count + 1 + i));
}

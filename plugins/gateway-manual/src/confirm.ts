import { ConflictError, NotFoundError, ValidationError, toMajorString } from '@mpanel/sdk';
import type { ManualBilling } from './billing-port.ts';

export const GATEWAY = 'manual';

export interface ConfirmInput {
  invoiceId: string;
  amount: number;
  /** The bank transfer's reference, the cheque number, the receipt number: unique per payment. */
  reference: string;
  paidAt?: string;
}

/**
 * Staff confirm money that arrived outside any API. The reference is the transaction id, so the
 * same transfer confirmed twice (two staff members, a double click) is one payment: 409 the second
 * time, exactly like any other gateway's duplicate.
 */
export async function confirmManualPayment(billing: ManualBilling, input: ConfirmInput): Promise<{ invoiceId: string; reference: string; amount: number; currency: string }> {
  const reference = input.reference.trim();
  if (!reference) throw new ValidationError({ reference: 'is required' });
  const invoice = await billing.getInvoice(input.invoiceId);
  if (!invoice) throw new NotFoundError();
  if (invoice.status !== 'unpaid' && invoice.status !== 'paid') throw new ConflictError(`The invoice is ${invoice.status}`);
  const { recorded } = await billing.recordPayment({
    invoiceId: invoice.id,
    amount: input.amount,
    currency: invoice.currency,
    gateway: GATEWAY,
    transactionId: reference,
    paidAt: input.paidAt,
  });
  if (!recorded) throw new ConflictError(`A manual payment with reference "${reference}" is already recorded`);
  return { invoiceId: invoice.id, reference, amount: input.amount, currency: invoice.currency };
}

/** The instructions with the invoice's own values filled in (`{invoiceNumber}`, `{amount}`, `{currency}`). */
export function renderInstructions(template: string, invoice: { number: string | null; amountDue: number; currency: string }): string {
  const values: Record<string, string> = {
    invoiceNumber: invoice.number ?? '',
    // The amount still due (a partial payment lowers it), in ISO 4217 decimals as a bank form takes it.
    amount: toMajorString(invoice.amountDue, invoice.currency),
    currency: invoice.currency,
  };
  return template.replace(/\{(invoiceNumber|amount|currency)\}/g, (_m, key: string) => values[key] ?? '');
}

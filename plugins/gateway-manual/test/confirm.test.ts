import assert from 'node:assert/strict';
import type { ManualBilling } from '../src/billing-port.ts';
import { confirmManualPayment, renderInstructions } from '../src/confirm.ts';

/** Billing's rule that matters here: one payment per (gateway, transaction id). */
function billingWith(invoice: { id: string; status: string; amountDue: number }) {
  const payments: Array<{ gateway: string; transactionId: string; amount: number }> = [];
  const billing: ManualBilling = {
    getInvoice: async (id) => (id === invoice.id ? { ...invoice, number: 'INV-7', clientId: 'c1', currency: 'EUR' } : undefined),
    recordPayment: async (p) => {
      if (payments.some((x) => x.gateway === p.gateway && x.transactionId === p.transactionId)) return { recorded: false };
      payments.push(p);
      invoice.amountDue -= p.amount;
      if (invoice.amountDue <= 0) invoice.status = 'paid';
      return { recorded: true };
    },
  };
  return { billing, payments };
}

describe('gateway-manual', () => {
  it('staff confirm a transfer with its reference; the same reference again is a 409 and adds nothing', async () => {
    const invoice = { id: 'inv-1', status: 'unpaid', amountDue: 5000 };
    const { billing, payments } = billingWith(invoice);
    const result = await confirmManualPayment(billing, { invoiceId: 'inv-1', amount: 5000, reference: ' BANK-123 ' });
    assert.deepEqual(result, { invoiceId: 'inv-1', reference: 'BANK-123', amount: 5000, currency: 'EUR' });
    assert.equal(invoice.status, 'paid');
    await assert.rejects(confirmManualPayment(billing, { invoiceId: 'inv-1', amount: 5000, reference: 'BANK-123' }), (err: { status?: number }) => err.status === 409);
    assert.deepEqual(payments, [{ invoiceId: 'inv-1', amount: 5000, currency: 'EUR', gateway: 'manual', transactionId: 'BANK-123', paidAt: undefined }]);
  });

  it('refuses an unknown invoice (404), a blank reference (400) and a cancelled invoice (409)', async () => {
    const { billing, payments } = billingWith({ id: 'inv-2', status: 'cancelled', amountDue: 100 });
    await assert.rejects(confirmManualPayment(billing, { invoiceId: 'nope', amount: 1, reference: 'R' }), (err: { status?: number }) => err.status === 404);
    await assert.rejects(confirmManualPayment(billing, { invoiceId: 'inv-2', amount: 1, reference: '  ' }), (err: { status?: number }) => err.status === 400);
    await assert.rejects(confirmManualPayment(billing, { invoiceId: 'inv-2', amount: 1, reference: 'R' }), (err: { status?: number }) => err.status === 409);
    assert.equal(payments.length, 0);
  });

  it('fills the instructions with the invoice values', () => {
    assert.equal(
      renderInstructions('Pay {amount} {currency} to IBAN X, reference {invoiceNumber}. {unknown}', { number: 'INV-9', amountDue: 12345, currency: 'EUR' }),
      'Pay 123.45 EUR to IBAN X, reference INV-9. {unknown}',
    );
    assert.equal(renderInstructions('{amount} {currency}', { number: null, amountDue: 500, currency: 'JPY' }), '500 JPY');
  });
});

import { ConflictError, ValidationError, extensionPoints } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int } from '../db.ts';
import { getInvoiceRow, type InvoiceRow } from './invoices.ts';
import { assertReturnable } from './money-back.ts';

type PaymentRow = Record<string, unknown> & { id: string; gateway: string; transaction_id: string; applied: number; refunded: number };

/**
 * Staff refund of (part of) what was paid on an invoice, newest payments first. Credit payments go
 * back to the client's credit; gateway payments are refunded through the gateway when it can.
 */
export async function refundInvoice(b: Billing, invoiceId: string, input: { amount: number; reason?: string }): Promise<{ refunded: number }> {
  const invoice = await getInvoiceRow(b, invoiceId, true);
  if (input.amount > int(invoice.amount_paid)) throw new ValidationError({ amount: `at most ${int(invoice.amount_paid)} was paid on this invoice` });
  if (invoice.status === 'refunded' || invoice.status === 'draft') throw new ConflictError(`The invoice is ${invoice.status}`);
  await assertReturnable(b, invoice, input.amount);
  // A credit note's share is not money received: it is never refunded.
  const payments = (await b.db('payments').where('invoice_id', invoice.id).whereNot('gateway', 'credit_note').whereRaw('applied > refunded').orderBy('paid_at', 'desc').forUpdate()) as PaymentRow[];
  let left = input.amount;
  for (const payment of payments) {
    if (left === 0) break;
    const chunk = Math.min(left, int(payment.applied) - int(payment.refunded));
    let gatewayRefundId: string | null = null;
    if (payment.gateway === 'credit') {
      await b.db.insert('credit_ledger', { client_id: invoice.client_id, amount: chunk, currency: invoice.currency, reason: 'refund to credit', invoice_id: invoice.id, payment_id: payment.id });
    } else {
      const gateway = b.plugin.extensions.get(extensionPoints.paymentGateway, payment.gateway);
      if (gateway?.refund) {
        // Billing cannot read another plugin's settings; gateways load their own by tenant (see report).
        const result = await gateway.refund({ tenantId: b.tenantId, settings: {} }, {
          transactionId: payment.transaction_id, amount: { amount: chunk, currency: invoice.currency }, reason: input.reason,
          idempotencyKey: `refund:${payment.id}:${int(payment.refunded)}:${chunk}`,
        });
        gatewayRefundId = result.refundId;
      }
    }
    await writeRefund(b, invoice, payment, chunk, input.reason ?? null, gatewayRefundId);
    left -= chunk;
  }
  return { refunded: input.amount - left };
}

/** A refund a gateway reports (webhook): idempotent per (gateway, refund id). */
export async function recordGatewayRefund(
  b: Billing,
  input: { invoiceId: string; gateway: string; transactionId: string; refundId: string; amount: number; reason?: string },
): Promise<{ recorded: boolean }> {
  const invoice = await getInvoiceRow(b, input.invoiceId, true);
  const payment = (await b.db('payments').where({ gateway: input.gateway, transaction_id: input.transactionId, invoice_id: invoice.id }).forUpdate().first()) as PaymentRow | undefined;
  if (!payment) throw new ConflictError('No such payment on this invoice');
  const seen = await b.db('refunds').where({ gateway: input.gateway, gateway_refund_id: input.refundId }).first('id');
  if (seen) return { recorded: false };
  const chunk = Math.min(input.amount, int(payment.applied) - int(payment.refunded));
  if (chunk <= 0) return { recorded: false };
  await writeRefund(b, invoice, payment, chunk, input.reason ?? null, input.refundId);
  return { recorded: true };
}

async function writeRefund(b: Billing, invoice: InvoiceRow, payment: PaymentRow, amount: number, reason: string | null, gatewayRefundId: string | null): Promise<void> {
  const [refund] = await b.db.insert<{ id: string }>('refunds', {
    payment_id: payment.id, invoice_id: invoice.id, amount, currency: invoice.currency, reason, gateway: payment.gateway, gateway_refund_id: gatewayRefundId,
  });
  await b.db('payments').where('id', payment.id).update({ refunded: int(payment.refunded) + amount, updated_at: b.db.trx.fn.now() });
  payment.refunded = int(payment.refunded) + amount;
  const paid = int(invoice.amount_paid) - amount;
  const fully = paid === 0 && invoice.status === 'paid';
  await b.db('invoices').where('id', invoice.id).update({ amount_paid: paid, ...(fully ? { status: 'refunded' } : {}), updated_at: b.db.trx.fn.now() });
  invoice.amount_paid = paid;
  if (fully) invoice.status = 'refunded';
  await b.emit('payment.refunded', { refundId: refund!.id, paymentId: payment.id, invoiceId: invoice.id, clientId: invoice.client_id, amount, currency: invoice.currency, gateway: payment.gateway });
}

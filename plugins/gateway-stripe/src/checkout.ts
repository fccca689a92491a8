import { ConflictError } from '@mpanel/sdk';
import type Stripe from 'stripe';
import type { InvoiceForPayment } from './billing-port.ts';
import type { StripeCall } from './call.ts';
import { ensureCustomer } from './customers.ts';
import { checkoutKey } from './idempotency.ts';
import { invoiceIntentParams, rememberIntent } from './invoice-intent.ts';

export interface CheckoutSession {
  paymentIntentId: string;
  clientSecret: string;
  status: Stripe.PaymentIntent.Status;
  amount: number;
  currency: string;
}

/**
 * Starts (or resumes) paying an invoice in the portal: a PaymentIntent for the amount due, which
 * Stripe's Payment Element confirms in the browser (3-D Secure is Stripe's own flow). Pressing
 * "pay" twice reuses the open intent; the idempotency key (invoice + amount) covers the race of two
 * requests at once. A changed amount due gets a new intent.
 */
export async function startCheckout(call: StripeCall, invoice: InvoiceForPayment): Promise<CheckoutSession> {
  if (invoice.status !== 'unpaid' || invoice.amountDue <= 0) throw new ConflictError('This invoice has nothing to pay');
  const currency = invoice.currency.toLowerCase();
  const open = await call.store.openCheckoutIntent(invoice.id, invoice.amountDue, currency);
  if (open) {
    const pi = await call.stripe.paymentIntents.retrieve(open.payment_intent_id);
    if (pi.status !== 'succeeded' && pi.status !== 'canceled' && pi.status !== 'processing') return session(pi);
  }
  const client = await call.billing.getClient(invoice.clientId);
  if (!client) throw new ConflictError('The invoice has no client');
  const customer = await ensureCustomer(call, client);
  const pi = await call.stripe.paymentIntents.create(
    invoiceIntentParams(call, invoice, customer, { automatic_payment_methods: { enabled: true } }),
    { idempotencyKey: checkoutKey(call.tenantId, invoice.id, invoice.amountDue, currency) },
  );
  await rememberIntent(call, invoice, pi, { kind: 'checkout', attempt: 1, status: pi.status });
  return session(pi);
}

function session(pi: Stripe.PaymentIntent): CheckoutSession {
  return { paymentIntentId: pi.id, clientSecret: pi.client_secret ?? '', status: pi.status, amount: pi.amount, currency: pi.currency };
}

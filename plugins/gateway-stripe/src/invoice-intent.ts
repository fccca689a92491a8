import type Stripe from 'stripe';
import type { InvoiceForPayment } from './billing-port.ts';
import type { StripeCall } from './call.ts';
import type { IntentRow } from './store.ts';

/**
 * What every PaymentIntent for an invoice asks Stripe for, whichever way it is paid (the portal's
 * checkout, the billing run's off-session charge): the amount due in the invoice's currency, the
 * client's customer, and the metadata webhooks and reconciliation use to find the invoice again.
 * `how` is the part that differs (automatic payment methods, or a saved card confirmed off-session).
 */
export function invoiceIntentParams(
  call: StripeCall,
  invoice: InvoiceForPayment,
  customer: string,
  how: Omit<Stripe.PaymentIntentCreateParams, 'amount' | 'currency' | 'customer' | 'description' | 'metadata'>,
  metadata: Record<string, string> = {},
): Stripe.PaymentIntentCreateParams {
  return {
    amount: invoice.amountDue,
    currency: invoice.currency.toLowerCase(),
    customer,
    ...how,
    description: invoice.number ? `Invoice ${invoice.number}` : undefined,
    metadata: { invoiceId: invoice.id, tenantId: call.tenantId, clientId: invoice.clientId, ...metadata },
  };
}

/** Remembers an intent mPanel created for an invoice, so webhooks and reconciliation know it is ours. */
export async function rememberIntent(
  call: StripeCall,
  invoice: InvoiceForPayment,
  pi: Stripe.PaymentIntent,
  intent: Pick<IntentRow, 'kind' | 'attempt' | 'status'>,
): Promise<void> {
  await call.store.saveIntent({
    invoice_id: invoice.id,
    client_id: invoice.clientId,
    payment_intent_id: pi.id,
    amount: pi.amount,
    currency: invoice.currency.toLowerCase(),
    ...intent,
  });
}

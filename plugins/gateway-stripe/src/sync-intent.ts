import type Stripe from 'stripe';
import { EVENTS, GATEWAY, idOf, type StripeCall } from './call.ts';

export type SyncOutcome = 'recorded' | 'already-recorded' | 'failed' | 'requires-action' | 'pending' | 'unknown-invoice' | 'foreign';

/**
 * Brings mPanel in line with the current state of a PaymentIntent fetched from Stripe. Webhooks,
 * the reconciliation job, the portal's return URL and off-session charges all end here, so a
 * payment is recorded by whichever sees it first and never twice: billing's payment is unique per
 * (gateway, PaymentIntent id).
 */
export async function syncPaymentIntent(call: StripeCall, pi: Stripe.PaymentIntent): Promise<SyncOutcome> {
  const invoiceId = pi.metadata?.invoiceId;
  // An intent made for another tenant (a Stripe account shared by mistake) is not ours to record.
  if (pi.metadata?.tenantId && pi.metadata.tenantId !== call.tenantId) {
    call.logger.warn({ paymentIntent: pi.id, tenantId: pi.metadata.tenantId }, 'PaymentIntent belongs to another tenant; ignored');
    return 'foreign';
  }
  const invoice = invoiceId && isUuid(invoiceId) ? await call.billing.getInvoice(invoiceId) : undefined;
  if (!invoice) {
    call.logger.warn({ paymentIntent: pi.id, invoiceId }, 'PaymentIntent names no invoice of this tenant; acknowledged without action');
    return 'unknown-invoice';
  }
  const state = stateOf(pi);
  const sameCurrency = pi.currency.toLowerCase() === invoice.currency.toLowerCase();
  // One statement: the new state (and "payment recorded", which commits with the payment below)
  // and the previous one, so each change of state notifies once whichever path sees it first.
  const known = await call.store.setIntentState(pi.id, state, pi.last_payment_error?.message ?? null, state === 'succeeded' && sameCurrency);
  const changed = known?.previous !== state;

  if (state === 'succeeded') {
    if (!sameCurrency) {
      call.logger.error({ paymentIntent: pi.id, invoiceId, currency: pi.currency }, 'PaymentIntent currency differs from the invoice; not recorded');
      return 'unknown-invoice';
    }
    const { recorded } = await call.billing.recordPayment({
      invoiceId: invoice.id,
      amount: pi.amount_received,
      currency: invoice.currency,
      gateway: GATEWAY,
      transactionId: pi.id,
      paidAt: new Date(pi.created * 1000).toISOString(),
    });
    return recorded ? 'recorded' : 'already-recorded';
  }

  const payload = { invoiceId: invoice.id, clientId: invoice.clientId, gateway: GATEWAY, transactionId: pi.id };
  const reason = pi.last_payment_error?.message ?? pi.last_payment_error?.code ?? null;
  if (state === 'requires_action') {
    if (changed) await call.emit(EVENTS.paymentActionRequired, { ...payload, reason: reason ?? 'Authentication required' });
    return 'requires-action';
  }
  if (state === 'failed') {
    if (changed) await call.emit(EVENTS.paymentFailed, { ...payload, reason: reason ?? 'declined', code: pi.last_payment_error?.code ?? null });
    return 'failed';
  }
  return 'pending';
}

/**
 * mPanel's reading of an intent: a declined attempt leaves Stripe's status at
 * `requires_payment_method` with `last_payment_error`; off session, 3-D Secure shows up as the
 * error code `authentication_required` rather than the status `requires_action`.
 */
export function stateOf(pi: Stripe.PaymentIntent): string {
  if (pi.status === 'succeeded') return 'succeeded';
  if (pi.status === 'requires_action' || pi.last_payment_error?.code === 'authentication_required') return 'requires_action';
  if (pi.status === 'requires_payment_method' && pi.last_payment_error) return 'failed';
  return pi.status;
}

/** The charge a succeeded PaymentIntent made (for refunds and disputes). */
export function latestChargeId(pi: Stripe.PaymentIntent): string | undefined {
  return idOf(pi.latest_charge);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

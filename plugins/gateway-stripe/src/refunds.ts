import { ConflictError, NotFoundError } from '@mpanel/sdk';
import Stripe from 'stripe';
import { GATEWAY, idOf, type StripeCall } from './call.ts';
import { refundKey } from './idempotency.ts';
import { isUuid } from './sync-intent.ts';

export interface RefundRequest {
  /** The payment's transaction id: the PaymentIntent id. */
  transactionId: string;
  amount: number;
  reason?: string;
  /** Makes a retried refund request reuse Stripe's first refund (billing's refund record id). */
  requestId: string;
}

/** Stripe accepts only these reasons; anything else travels in metadata. */
const STRIPE_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

/**
 * Refunds all or part of a Stripe payment through the API. Billing records the refund from the
 * answer; the `charge.refunded` webhook that follows finds it already recorded (unique refund id).
 */
export async function refundPayment(call: StripeCall, request: RefundRequest): Promise<Stripe.Refund> {
  let pi: Stripe.PaymentIntent;
  try {
    pi = await call.stripe.paymentIntents.retrieve(request.transactionId);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') throw new NotFoundError('No such Stripe payment');
    throw err;
  }
  if (pi.status !== 'succeeded') throw new ConflictError('This payment has not succeeded, there is nothing to refund');
  try {
    return await call.stripe.refunds.create(
      {
        payment_intent: pi.id,
        amount: request.amount,
        ...(request.reason && STRIPE_REASONS.has(request.reason) ? { reason: request.reason as Stripe.RefundCreateParams.Reason } : {}),
        metadata: { tenantId: call.tenantId, invoiceId: pi.metadata.invoiceId ?? '', ...(request.reason ? { reason: request.reason.slice(0, 500) } : {}) },
      },
      { idempotencyKey: refundKey(call.tenantId, pi.id, request.requestId) },
    );
  } catch (err) {
    // More than what is left to refund, or already fully refunded.
    if (err instanceof Stripe.errors.StripeInvalidRequestError) throw new ConflictError(err.message);
    throw err;
  }
}

/**
 * Records every succeeded refund of a charge that billing does not have yet: refunds made in
 * Stripe's dashboard, or ones whose API answer was lost. Fetched from the API, never from the event.
 */
export async function syncRefunds(call: StripeCall, chargeId: string): Promise<'recorded' | 'already-recorded' | 'unknown-invoice'> {
  const charge = await call.stripe.charges.retrieve(chargeId);
  const piId = idOf(charge.payment_intent);
  if (!piId) return 'unknown-invoice';
  const pi = await call.stripe.paymentIntents.retrieve(piId);
  const invoiceId = pi.metadata.invoiceId;
  if ((pi.metadata.tenantId && pi.metadata.tenantId !== call.tenantId) || !invoiceId || !isUuid(invoiceId) || !(await call.billing.getInvoice(invoiceId))) {
    call.logger.warn({ charge: chargeId, invoiceId }, 'Refunded charge names no invoice of this tenant; acknowledged without action');
    return 'unknown-invoice';
  }
  let any = false;
  for await (const refund of call.stripe.refunds.list({ charge: chargeId, limit: 100 })) {
    if (refund.status !== 'succeeded') continue;
    const { recorded } = await call.billing.recordRefund({
      invoiceId,
      amount: refund.amount,
      currency: refund.currency,
      gateway: GATEWAY,
      transactionId: pi.id,
      refundId: refund.id,
      reason: refund.metadata?.reason ?? refund.reason ?? undefined,
    });
    any ||= recorded;
  }
  return any ? 'recorded' : 'already-recorded';
}

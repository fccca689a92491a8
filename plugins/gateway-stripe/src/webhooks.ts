import Stripe from 'stripe';
import { EVENTS, idOf, type StripeCall } from './call.ts';
import { actionFor } from './event-actions.ts';
import { syncRefunds } from './refunds.ts';
import { saveFromSetupIntent } from './payment-methods.ts';
import { isUuid, syncPaymentIntent } from './sync-intent.ts';

export type EventOutcome = string;

/**
 * Acts on one verified event, inside the transaction that also records the event id: the claim,
 * the payment and billing's outbox event commit together, so each event acts once (a concurrent
 * duplicate waits on the unique index, then sees the claim). The event's payload is never trusted
 * for state: the object is fetched from the API (for PaymentIntents, just before the transaction:
 * `prefetched`), so events in any order converge on Stripe's truth.
 */
export async function processStripeEvent(call: StripeCall, event: Stripe.Event, prefetched?: Stripe.PaymentIntent): Promise<EventOutcome> {
  const action = actionFor(event.type);
  if (!(await call.store.claimEvent(event.id, event.type, action))) return 'duplicate';
  const object = event.data.object as { id: string };
  try {
    return await act(call, action, object.id, prefetched?.id === object.id ? prefetched : undefined);
  } catch (err) {
    // An object this tenant's Stripe account does not have: a forged or misrouted event. Retrying won't help.
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') {
      call.logger.warn({ event: event.id, type: event.type, object: object.id }, 'Event names an object unknown to this Stripe account; acknowledged without action');
      return 'unknown-object';
    }
    throw err;
  }
}

/**
 * The PaymentIntent a `payment_intent.*` event names, fetched from the API before the event's
 * transaction opens, so no database connection waits on Stripe. Undefined for other events, or
 * when the fetch fails (the transaction then fetches again and handles the error as usual).
 */
export async function prefetchPaymentIntent(stripe: Stripe, event: Stripe.Event): Promise<Stripe.PaymentIntent | undefined> {
  if (actionFor(event.type) !== 'sync-payment-intent') return undefined;
  return stripe.paymentIntents.retrieve((event.data.object as { id: string }).id).catch(() => undefined);
}

async function act(call: StripeCall, action: ReturnType<typeof actionFor>, objectId: string, prefetched?: Stripe.PaymentIntent): Promise<EventOutcome> {
  const object = { id: objectId };
  switch (action) {
    case 'sync-payment-intent':
      return syncPaymentIntent(call, prefetched ?? (await call.stripe.paymentIntents.retrieve(object.id)));
    case 'sync-refunds':
      return syncRefunds(call, object.id);
    case 'save-payment-method':
      return saveFromSetupIntent(call, object.id);
    case 'flag-dispute':
      return flagDispute(call, object.id);
    default:
      return 'ignored';
  }
}

/** A chargeback: the invoice is flagged for staff, the money movement comes later from Stripe. */
async function flagDispute(call: StripeCall, disputeId: string): Promise<EventOutcome> {
  const dispute = await call.stripe.disputes.retrieve(disputeId);
  const piId = idOf(dispute.payment_intent);
  const pi = piId ? await call.stripe.paymentIntents.retrieve(piId) : undefined;
  const invoiceId = pi?.metadata.invoiceId;
  const owned = pi && (!pi.metadata.tenantId || pi.metadata.tenantId === call.tenantId);
  const invoice = owned && invoiceId && isUuid(invoiceId) ? await call.billing.getInvoice(invoiceId) : undefined;
  if (!invoice) {
    call.logger.warn({ dispute: dispute.id, invoiceId }, 'Dispute names no invoice of this tenant; acknowledged without action');
    return 'unknown-invoice';
  }
  await call.billing.flagInvoice(invoice.id, { reason: 'dispute', reference: dispute.id, note: `${dispute.reason}: ${dispute.amount} ${dispute.currency}` });
  await call.emit(EVENTS.invoiceDisputed, {
    invoiceId: invoice.id,
    clientId: invoice.clientId,
    gateway: 'stripe',
    disputeId: dispute.id,
    transactionId: pi!.id,
    amount: dispute.amount,
    currency: dispute.currency,
    reason: dispute.reason,
  });
  return 'flagged';
}

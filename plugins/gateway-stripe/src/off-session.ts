import Stripe from 'stripe';
import type { InvoiceForPayment } from './billing-port.ts';
import type { StripeCall } from './call.ts';
import { offSessionKey } from './idempotency.ts';
import { invoiceIntentParams, rememberIntent } from './invoice-intent.ts';
import { syncPaymentIntent, type SyncOutcome } from './sync-intent.ts';

export interface OffSessionResult {
  status: 'succeeded' | 'failed' | 'requires_action' | 'pending' | 'skipped';
  attempt: number;
  paymentIntentId?: string;
  reason?: string;
}

/**
 * Charges the client's default (or a given) saved card for an invoice, without the client present:
 * the billing run's charge step on the due date, and each retry. Idempotent per invoice and
 * attempt: a rerun of the same attempt replays Stripe's first answer instead of charging again.
 * A success is recorded at once; a decline or a card that needs 3-D Secure notifies the client
 * (through syncPaymentIntent) and is left to the retry schedule.
 */
export async function chargeOffSession(
  call: StripeCall,
  invoice: InvoiceForPayment,
  options: { attempt?: number; paymentMethodId?: string } = {},
): Promise<OffSessionResult> {
  const attempt = options.attempt ?? (await call.store.offSessionAttempts(invoice.id)) + 1;
  if (invoice.status !== 'unpaid' || invoice.amountDue <= 0) return { status: 'skipped', attempt, reason: 'nothing to pay' };
  const customer = await call.store.customerId(invoice.clientId);
  const method = options.paymentMethodId ?? (await call.store.defaultPaymentMethod(invoice.clientId))?.stripe_payment_method_id;
  if (!customer || !method) return { status: 'skipped', attempt, reason: 'no saved payment method' };
  let pi: Stripe.PaymentIntent;
  try {
    pi = await call.stripe.paymentIntents.create(
      invoiceIntentParams(call, invoice, customer, { payment_method: method, off_session: true, confirm: true }, { attempt: String(attempt) }),
      { idempotencyKey: offSessionKey(call.tenantId, invoice.id, attempt) },
    );
  } catch (err) {
    // A decline is an answer, not a failure of the call: Stripe puts the intent in the error.
    if (!(err instanceof Stripe.errors.StripeCardError) || !err.payment_intent) throw err;
    pi = err.payment_intent;
  }
  await rememberIntent(call, invoice, pi, { kind: 'off_session', attempt, status: 'created' });
  const outcome = await syncPaymentIntent(call, pi);
  return { status: resultStatus(outcome), attempt, paymentIntentId: pi.id, reason: pi.last_payment_error?.message ?? undefined };
}

function resultStatus(outcome: SyncOutcome): OffSessionResult['status'] {
  switch (outcome) {
    case 'recorded':
    case 'already-recorded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'requires-action':
      return 'requires_action';
    default:
      return 'pending';
  }
}

/** Days to wait before the next attempt after `attempt` failed; undefined when retries are used up. */
export function retryDelayDays(attempt: number, schedule: readonly number[]): number | undefined {
  return schedule[attempt - 1];
}

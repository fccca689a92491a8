import type { StripeCall } from './call.ts';
import { syncPaymentIntent, type SyncOutcome } from './sync-intent.ts';

/**
 * A missed webhook must not leave an invoice unpaid: ask Stripe for the state of every intent
 * mPanel created and has not seen paid. Older than `graceMs` only, so the scan does not race the
 * webhook of a payment happening right now (both paths are safe, this only saves API calls), and
 * younger than `maxAgeDays`: an intent abandoned for a month is not worth an API call an hour.
 */
export async function reconcileOpenIntents(
  call: StripeCall,
  options: { graceMs?: number; maxAgeDays?: number; limit?: number; now?: Date } = {},
): Promise<Record<string, number>> {
  const now = options.now ?? new Date();
  const open = await call.store.unreconciledIntents(
    new Date(now.getTime() - (options.graceMs ?? 60_000)),
    new Date(now.getTime() - (options.maxAgeDays ?? 30) * 86_400_000),
    options.limit ?? 200,
  );
  const counts: Record<string, number> = {};
  for (const row of open) {
    const pi = await call.stripe.paymentIntents.retrieve(row.payment_intent_id);
    let outcome: SyncOutcome | 'canceled' = 'canceled';
    if (pi.status === 'canceled') await call.store.updateIntent(pi.id, { status: 'canceled' });
    else outcome = await syncPaymentIntent(call, pi);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/** The portal's return URL after the Payment Element: the one intent the client just paid. */
export async function reconcileIntent(call: StripeCall, paymentIntentId: string): Promise<SyncOutcome> {
  const known = await call.store.intent(paymentIntentId);
  if (!known) return 'unknown-invoice';
  return syncPaymentIntent(call, await call.stripe.paymentIntents.retrieve(paymentIntentId));
}

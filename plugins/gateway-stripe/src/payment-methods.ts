import Stripe from 'stripe';
import { NotFoundError } from '@mpanel/sdk';
import type { ClientForPayment } from './billing-port.ts';
import { EVENTS, idOf, type StripeCall } from './call.ts';
import { ensureCustomer } from './customers.ts';
import type { PaymentMethodRow } from './store.ts';

/** Saving a card for automatic charges: a SetupIntent the portal confirms with the Payment Element. */
export async function startCardSetup(call: StripeCall, client: ClientForPayment): Promise<{ setupIntentId: string; clientSecret: string }> {
  const customer = await ensureCustomer(call, client);
  const seti = await call.stripe.setupIntents.create({
    customer,
    usage: 'off_session',
    automatic_payment_methods: { enabled: true },
    metadata: { tenantId: call.tenantId, clientId: client.id },
  });
  return { setupIntentId: seti.id, clientSecret: seti.client_secret ?? '' };
}

export type SaveOutcome = 'saved' | 'already-saved' | 'pending' | 'unknown-client';

/** The `setup_intent.succeeded` webhook: the SetupIntent is fetched from the API, not taken from the event. */
export async function saveFromSetupIntent(call: StripeCall, setupIntentId: string): Promise<SaveOutcome> {
  return (await saveSetupIntent(call, await call.stripe.setupIntents.retrieve(setupIntentId))).outcome;
}

/**
 * The portal right after `stripe.confirmSetup`: asks Stripe for the SetupIntent and saves its card
 * now, so the client sees it without waiting for the webhook (which then finds it saved). The
 * SetupIntent must belong to a Stripe Customer of `ownerOf`'s choosing: `ownerOf` gets the client
 * the Customer maps to and throws when the caller may not act for it.
 */
export async function completeCardSetup(
  call: StripeCall,
  setupIntentId: string,
  ownerOf: (clientId: string) => void,
): Promise<{ outcome: SaveOutcome; card?: PaymentMethodRow }> {
  let seti: Stripe.SetupIntent;
  try {
    seti = await call.stripe.setupIntents.retrieve(setupIntentId);
  } catch (err) {
    // Not in this tenant's Stripe account (another tenant's, or made up).
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') throw new NotFoundError();
    throw err;
  }
  const customerId = idOf(seti.customer);
  const clientId = customerId ? await call.store.clientIdOfCustomer(customerId) : undefined;
  if (!clientId) throw new NotFoundError();
  ownerOf(clientId);
  return saveSetupIntent(call, seti);
}

/**
 * Stores the card of a succeeded SetupIntent for the client whose Stripe Customer it is. The first
 * card becomes the default here and in Stripe; a card already saved changes nothing and emits nothing.
 */
async function saveSetupIntent(call: StripeCall, seti: Stripe.SetupIntent): Promise<{ outcome: SaveOutcome; card?: PaymentMethodRow }> {
  if (seti.status !== 'succeeded') return { outcome: 'pending' };
  const customerId = idOf(seti.customer);
  const clientId = customerId ? await call.store.clientIdOfCustomer(customerId) : undefined;
  const pmId = idOf(seti.payment_method);
  if (!clientId || !pmId) {
    call.logger.warn({ setupIntent: seti.id }, 'SetupIntent names no client of this tenant; acknowledged without action');
    return { outcome: 'unknown-client' };
  }
  const pm = await call.stripe.paymentMethods.retrieve(pmId);
  const { row, created } = await call.store.savePaymentMethod({
    client_id: clientId,
    stripe_payment_method_id: pm.id,
    brand: pm.card?.brand ?? pm.type,
    last4: pm.card?.last4 ?? null,
    exp_month: pm.card?.exp_month ?? null,
    exp_year: pm.card?.exp_year ?? null,
  });
  if (!created) return { outcome: 'already-saved', card: row };
  if (row.is_default) await call.stripe.customers.update(customerId!, { invoice_settings: { default_payment_method: pm.id } });
  await call.emit(EVENTS.paymentMethodSaved, { clientId, gateway: 'stripe', paymentMethodId: row.id, brand: row.brand, last4: row.last4 });
  return { outcome: 'saved', card: row };
}

export async function setDefaultCard(call: StripeCall, clientId: string, id: string): Promise<void> {
  const row = await call.store.paymentMethod(clientId, id);
  if (!row) throw new NotFoundError();
  const customer = await call.store.customerId(clientId);
  if (customer) await call.stripe.customers.update(customer, { invoice_settings: { default_payment_method: row.stripe_payment_method_id } });
  await call.store.setDefaultPaymentMethod(clientId, id);
}

export async function removeCard(call: StripeCall, clientId: string, id: string): Promise<void> {
  const row = await call.store.paymentMethod(clientId, id);
  if (!row) throw new NotFoundError();
  await call.stripe.paymentMethods.detach(row.stripe_payment_method_id);
  await call.store.deletePaymentMethod(clientId, id);
}

/** The API shape of a saved card (Stripe ids stay inside the plugin). */
export function cardView(row: PaymentMethodRow): Record<string, unknown> {
  return { id: row.id, brand: row.brand, last4: row.last4, expMonth: row.exp_month, expYear: row.exp_year, isDefault: row.is_default };
}

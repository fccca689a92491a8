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

/**
 * Stores the card of a succeeded SetupIntent for the client whose Stripe Customer it is (fetched
 * from the API, not taken from the event). The first card becomes the default here and in Stripe.
 */
export async function saveFromSetupIntent(call: StripeCall, setupIntentId: string): Promise<'saved' | 'pending' | 'unknown-client'> {
  const seti = await call.stripe.setupIntents.retrieve(setupIntentId);
  if (seti.status !== 'succeeded') return 'pending';
  const customerId = idOf(seti.customer);
  const clientId = customerId ? await call.store.clientIdOfCustomer(customerId) : undefined;
  const pmId = idOf(seti.payment_method);
  if (!clientId || !pmId) {
    call.logger.warn({ setupIntent: seti.id }, 'SetupIntent names no client of this tenant; acknowledged without action');
    return 'unknown-client';
  }
  const pm = await call.stripe.paymentMethods.retrieve(pmId);
  const row = await call.store.savePaymentMethod({
    client_id: clientId,
    stripe_payment_method_id: pm.id,
    brand: pm.card?.brand ?? pm.type,
    last4: pm.card?.last4 ?? null,
    exp_month: pm.card?.exp_month ?? null,
    exp_year: pm.card?.exp_year ?? null,
  });
  if (row.is_default) await call.stripe.customers.update(customerId!, { invoice_settings: { default_payment_method: pm.id } });
  await call.emit(EVENTS.paymentMethodSaved, { clientId, gateway: 'stripe', paymentMethodId: row.id, brand: row.brand, last4: row.last4 });
  return 'saved';
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

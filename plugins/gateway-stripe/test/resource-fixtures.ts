import { defineResourceFixtures } from '@mpanel/sdk/testing';

/** A saved card of the tenant's client (billing's fixture); cards come from Stripe, so no route makes one. */
export default defineResourceFixtures(async ({ tenantId, transaction, ids }) => {
  const [card] = (await transaction((trx) =>
    trx('stripe_payment_methods')
      .insert({ tenant_id: tenantId, client_id: ids.clients, stripe_payment_method_id: 'pm_walked', brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2040, is_default: true })
      .returning('id'),
  )) as Array<{ id: string }>;
  return { cards: card!.id };
});

import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * The Stripe gateway's own records. Invoices and payments stay billing's; these tables map mPanel
 * ids to Stripe ids and remember which webhook events were processed.
 */
export async function up(knex: Knex): Promise<void> {
  // One Stripe Customer per client, created when first needed.
  await createTenantTable(knex, 'stripe_customers', (t) => {
    t.uuid('client_id').notNullable();
    t.text('stripe_customer_id').notNullable();
    t.unique(['tenant_id', 'client_id']);
    t.unique(['tenant_id', 'stripe_customer_id']);
  });

  // Saved cards (from SetupIntents); at most one default per client.
  await createTenantTable(knex, 'stripe_payment_methods', (t) => {
    t.uuid('client_id').notNullable();
    t.text('stripe_payment_method_id').notNullable();
    t.text('brand');
    t.text('last4');
    t.integer('exp_month');
    t.integer('exp_year');
    t.boolean('is_default').notNullable().defaultTo(false);
    t.unique(['tenant_id', 'stripe_payment_method_id']);
    t.index(['tenant_id', 'client_id']);
  });
  await knex.raw('CREATE UNIQUE INDEX stripe_payment_methods_one_default ON stripe_payment_methods (tenant_id, client_id) WHERE is_default');

  // Every PaymentIntent mPanel created: reused while open, scanned by reconciliation.
  await createTenantTable(knex, 'stripe_payment_intents', (t) => {
    t.uuid('invoice_id').notNullable();
    t.uuid('client_id');
    t.text('payment_intent_id').notNullable();
    t.integer('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.text('kind').notNullable(); // checkout | off_session
    t.integer('attempt').notNullable().defaultTo(1);
    t.text('status').notNullable();
    t.text('last_error');
    t.timestamp('payment_recorded_at', { useTz: true });
    t.unique(['tenant_id', 'payment_intent_id']);
    t.index(['tenant_id', 'invoice_id']);
  });
  await knex.raw(`CREATE INDEX stripe_payment_intents_open ON stripe_payment_intents (tenant_id, created_at) WHERE payment_recorded_at IS NULL AND status <> 'canceled'`);

  // Webhook events processed, so each is acted on once (written in the same transaction as the effect).
  await createTenantTable(knex, 'stripe_webhook_events', (t) => {
    t.text('event_id').notNullable();
    t.text('type').notNullable();
    t.text('outcome').notNullable();
    t.unique(['tenant_id', 'event_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['stripe_webhook_events', 'stripe_payment_intents', 'stripe_payment_methods', 'stripe_customers']) {
    await dropTenantTable(knex, table);
  }
}

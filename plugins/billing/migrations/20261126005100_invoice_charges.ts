import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * The billing run's automatic charge of a due invoice with a saved payment method: one row per
 * (invoice, attempt), claimed before the gateway is called, so a rerun of the same date, two runs
 * at once or a run killed halfway charge each invoice's attempt once. Billing only makes attempt 1;
 * retries belong to the gateway (Stripe's retry schedule), which has its own records.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'invoice_charges', (t) => {
    t.uuid('invoice_id').notNullable().references('id').inTable('invoices').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    // The gateway that charged (null while claimed, or when no gateway had a saved method).
    t.text('gateway');
    // claimed → succeeded | failed | requires_action | pending | skipped
    t.text('status').notNullable().defaultTo('claimed');
    t.text('transaction_id');
    t.text('reason');
    t.unique(['invoice_id', 'attempt']);
  });
  await knex.raw(`ALTER TABLE invoice_charges ADD CONSTRAINT invoice_charges_status_check CHECK (status IN ('claimed','succeeded','failed','requires_action','pending','skipped'))`);
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'invoice_charges');
}

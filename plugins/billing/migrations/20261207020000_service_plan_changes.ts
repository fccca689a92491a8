import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * A plan change that costs money waits here until its invoice is paid (billing's onInvoicePaid
 * applies it): until then the service keeps its paid plan, so a downgrade can only credit the
 * unused part of a price that was paid. One pending change per service; a newer request
 * supersedes it (its unpaid invoice is cancelled).
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'service_plan_changes', (t) => {
    t.uuid('service_id').notNullable().references('id').inTable('services').onDelete('CASCADE');
    t.uuid('invoice_id').notNullable().references('id').inTable('invoices').onDelete('CASCADE');
    t.uuid('product_id').notNullable().references('id').inTable('products').onDelete('RESTRICT');
    t.text('cycle').notNullable();
    // The new plan's price per cycle (minor units, quantity included), what renewals will bill.
    t.bigInteger('amount').notNullable();
    t.jsonb('config').notNullable().defaultTo('{}');
    // pending → applied | superseded
    t.text('status').notNullable().defaultTo('pending');
    t.unique(['invoice_id']);
  });
  await knex.raw(`ALTER TABLE service_plan_changes ADD CONSTRAINT service_plan_changes_status_check CHECK (status IN ('pending','applied','superseded'))`);
  await knex.raw(`CREATE UNIQUE INDEX service_plan_changes_pending_uniq ON service_plan_changes (service_id) WHERE status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'service_plan_changes');
}

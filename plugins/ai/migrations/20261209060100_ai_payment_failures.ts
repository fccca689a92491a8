import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * A gateway's declined payments, one row per `payment.failed` event (billing keeps only the
 * payments that went through): the churn forecast counts them per client. No foreign keys: the
 * event may name a client or invoice that is later deleted, and the count stays what happened.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'ai_payment_failures', (t) => {
    t.uuid('event_id').notNullable();
    t.uuid('client_id').notNullable();
    t.uuid('invoice_id');
    t.text('gateway');
    t.timestamp('failed_at', { useTz: true }).notNullable();
    // At-least-once delivery: the same event twice is one failure.
    t.unique(['tenant_id', 'event_id']);
  });
  await knex.raw('CREATE INDEX ai_payment_failures_client_idx ON ai_payment_failures (client_id, failed_at)');
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'ai_payment_failures');
}

import type { Knex } from 'knex';

/**
 * Webhook deliveries in flight carry a lease (`leased_until`, `lease_id`): a claim skips a leased
 * row even when someone asks for it to be sent again meanwhile (redeliver), so two workers never
 * POST one delivery at once, and only the lease's holder records the outcome. A worker that dies
 * mid-POST leaves a lease that simply ends: the delivery is retried then, never lost.
 *
 * The fair claims walk the tenants (event deliveries) and the endpoints (webhook deliveries) that
 * have pending rows, one index probe each (a "skip scan" with a recursive CTE), and take a few due
 * rows of each: both need the pending rows ordered by owner, then by due time. Without them a
 * claim would read the whole backlog to find the next tenant.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.timestamp('leased_until', { useTz: true });
    t.uuid('lease_id');
  });
  await knex.raw("CREATE INDEX event_deliveries_tenant_due_idx ON event_deliveries (tenant_id, next_attempt_at) WHERE status = 'pending'");
  await knex.raw("CREATE INDEX webhook_deliveries_hook_due_idx ON webhook_deliveries (webhook_id, next_attempt_at) WHERE status = 'pending'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS webhook_deliveries_hook_due_idx');
  await knex.raw('DROP INDEX IF EXISTS event_deliveries_tenant_due_idx');
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('lease_id');
    t.dropColumn('leased_until');
  });
}

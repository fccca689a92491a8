import type { Knex } from 'knex';

/**
 * The fair claims walk the tenants (event deliveries) and the endpoints (webhook deliveries) that
 * have pending rows, one index probe each (a "skip scan" with a recursive CTE), and take a few due
 * rows of each: both need the pending rows ordered by owner, then by due time. Without them a
 * claim would read the whole backlog to find the next tenant.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE INDEX event_deliveries_tenant_due_idx ON event_deliveries (tenant_id, next_attempt_at) WHERE status = 'pending'");
  await knex.raw("CREATE INDEX webhook_deliveries_hook_due_idx ON webhook_deliveries (webhook_id, next_attempt_at) WHERE status = 'pending'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS webhook_deliveries_hook_due_idx');
  await knex.raw('DROP INDEX IF EXISTS event_deliveries_tenant_due_idx');
}

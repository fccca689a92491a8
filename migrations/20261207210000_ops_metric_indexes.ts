import type { Knex } from 'knex';

/**
 * Indexes for what `/metrics` and `/api/health/ready` read every few seconds on every instance:
 * jobs not completed by name and status (the queue gauges; completed jobs are most of the table),
 * and the deliveries that gave up (counted, they only grow until retention removes them).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE INDEX IF NOT EXISTS jobs_open_idx ON jobs (name, status, run_at) WHERE status <> 'completed'");
  await knex.raw("CREATE INDEX IF NOT EXISTS event_deliveries_dead_idx ON event_deliveries (status) WHERE status = 'dead'");
  await knex.raw("CREATE INDEX IF NOT EXISTS webhook_deliveries_failed_idx ON webhook_deliveries (status) WHERE status = 'failed'");
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['webhook_deliveries_failed_idx', 'event_deliveries_dead_idx', 'jobs_open_idx']) await knex.raw(`DROP INDEX IF EXISTS ${index}`);
}

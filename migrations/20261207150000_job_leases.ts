import type { Knex } from 'knex';

/**
 * Job leases: the worker that claims a job writes its own token, and only that token may extend
 * the lease (heartbeat) or finish the job. A worker that lost its lease (paused, partitioned)
 * can then neither push the lease of the job another worker took over nor overwrite its result.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.text('lock_token');
  });
  // The reclaim of expired leases looks only at running jobs.
  await knex.raw("CREATE INDEX jobs_lease_idx ON jobs (locked_until) WHERE status = 'active'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS jobs_lease_idx');
  await knex.schema.alterTable('jobs', (t) => {
    t.dropColumn('lock_token');
  });
}

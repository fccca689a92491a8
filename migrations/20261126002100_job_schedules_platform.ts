import type { Knex } from 'knex';

/**
 * `job_schedules` is a platform table (one row per cron schedule, keyed by its name, read and
 * advanced by the job workers of every instance), not tenant data: no tenant owns a schedule.
 * Its `tenant_id` only named the tenant a scheduled job runs for, so it is renamed to say that;
 * without a `tenant_id` column the table is not expected to carry row-level security.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_schedules', (t) => t.renameColumn('tenant_id', 'run_for_tenant_id'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_schedules', (t) => t.renameColumn('run_for_tenant_id', 'tenant_id'));
}

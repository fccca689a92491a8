import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * Retention deletes old rows in small batches, each picking the oldest rows by an age column: the
 * indexes here make that pick an index range scan, so the cost per row stays flat however large
 * the table grows. `webhook_deliveries (event_id)` is also the foreign-key index that deleting an
 * outbox event (ON DELETE CASCADE) needs; the unique (webhook_id, event_id) cannot serve it.
 * `retention_settings` holds a tenant's own retention periods where the platform lets it choose.
 */
const INDEXES: Array<[name: string, definition: string]> = [
  ['outbox_events_created_at_idx', 'outbox_events (created_at)'],
  ['event_deliveries_created_at_idx', 'event_deliveries (created_at)'],
  ['webhook_deliveries_created_at_idx', 'webhook_deliveries (created_at)'],
  ['webhook_deliveries_event_id_idx', 'webhook_deliveries (event_id)'],
  ['jobs_finished_at_idx', 'jobs (finished_at) WHERE finished_at IS NOT NULL'],
  ['sessions_created_at_idx', 'sessions (created_at)'],
  ['sessions_tenant_created_at_idx', 'sessions (tenant_id, created_at)'],
  ['refresh_tokens_expires_at_idx', 'refresh_tokens (expires_at)'],
  ['audit_logs_created_at_idx', 'audit_logs (created_at)'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, definition] of INDEXES) await knex.raw(`CREATE INDEX IF NOT EXISTS ${name} ON ${definition}`);
  await createTenantTable(knex, 'retention_settings', (t) => {
    t.text('target').notNullable();
    t.integer('days').notNullable();
    t.unique(['tenant_id', 'target']);
  });
  await knex.raw('ALTER TABLE retention_settings ADD CONSTRAINT retention_settings_days_check CHECK (days > 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('retention_settings');
  for (const [name] of INDEXES) await knex.raw(`DROP INDEX IF EXISTS ${name}`);
}

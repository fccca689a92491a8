import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * The plugin system's tables: per-tenant plugin state and settings, the event outbox with its
 * per-subscriber deliveries, outgoing webhooks and their delivery log, the embedded job queue and
 * cron schedules. Tenant rows are under row-level security; the dispatchers and workers run as the
 * table owner (the `owner_access` policy) because they serve every tenant.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'plugin_tenant_states', (t) => {
    t.text('plugin_id').notNullable();
    t.boolean('enabled').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['tenant_id', 'plugin_id']);
  }, { bare: true });

  await createTenantTable(knex, 'plugin_settings', (t) => {
    t.text('plugin_id').notNullable();
    t.jsonb('values').notNullable().defaultTo('{}');
    // field → AES-256-GCM sealed string; never sent to clients.
    t.jsonb('secrets').notNullable().defaultTo('{}');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['tenant_id', 'plugin_id']);
  }, { bare: true });

  // tenant_id NULL: a platform-wide event.
  await createTenantTable(knex, 'outbox_events', (t) => {
    t.text('name').notNullable();
    t.text('source').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('dispatched_at', { useTz: true });
  }, { sharedRows: true });
  await knex.raw('CREATE INDEX outbox_events_undispatched_idx ON outbox_events (created_at) WHERE dispatched_at IS NULL');

  await createTenantTable(knex, 'event_deliveries', (t) => {
    t.uuid('event_id').notNullable().references('id').inTable('outbox_events').onDelete('CASCADE');
    t.text('subscriber').notNullable();
    // pending | delivered | dead | skipped
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable().defaultTo(8);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('last_error');
    t.timestamp('delivered_at', { useTz: true });
    t.unique(['event_id', 'subscriber']);
  }, { sharedRows: true });
  await knex.raw("CREATE INDEX event_deliveries_due_idx ON event_deliveries (next_attempt_at) WHERE status = 'pending'");

  await createTenantTable(knex, 'webhooks', (t) => {
    t.text('url').notNullable();
    t.jsonb('events').notNullable();
    t.text('description');
    // The signing secret, sealed with the platform key.
    t.text('secret').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
  });

  await createTenantTable(knex, 'webhook_deliveries', (t) => {
    t.uuid('webhook_id').notNullable().references('id').inTable('webhooks').onDelete('CASCADE');
    t.uuid('event_id').notNullable().references('id').inTable('outbox_events').onDelete('CASCADE');
    t.text('event_name').notNullable();
    // pending | succeeded | failed
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('response_status');
    t.text('response_body');
    t.text('last_error');
    t.timestamp('delivered_at', { useTz: true });
    t.unique(['webhook_id', 'event_id']);
  });
  await knex.raw("CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'");

  await createTenantTable(knex, 'jobs', (t) => {
    // The idempotency key when given, else a uuid.
    t.text('id').primary();
    t.text('name').notNullable();
    t.jsonb('data').notNullable();
    // waiting | active | completed | failed
    t.text('status').notNullable().defaultTo('waiting');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable().defaultTo(5);
    t.integer('backoff_ms').notNullable().defaultTo(1000);
    t.timestamp('run_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('locked_until', { useTz: true });
    t.text('last_error');
    t.timestamp('finished_at', { useTz: true });
    t.timestamps(true, true);
  }, { sharedRows: true, bare: true });
  await knex.raw("CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'waiting'");

  await knex.schema.createTable('job_schedules', (t) => {
    t.text('name').primary();
    t.text('job').notNullable();
    t.text('cron').notNullable();
    t.text('timezone').notNullable().defaultTo('UTC');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.uuid('tenant_id');
    t.timestamp('next_run_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['job_schedules', 'jobs', 'webhook_deliveries', 'webhooks', 'event_deliveries', 'outbox_events', 'plugin_settings', 'plugin_tenant_states']) {
    await knex.schema.dropTableIfExists(table);
  }
}

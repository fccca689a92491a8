import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * Notifications and mail templates. Only a tenant's edits are stored (`notification_templates`):
 * the defaults live in the code of the plugin that registers the template, so a reset is a
 * delete and a new default reaches every tenant that has not edited it. The mail log keeps what
 * is needed to resend (template, language, data), not the rendered body.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'notification_templates', (t) => {
    t.text('key').notNullable();
    t.text('language').notNullable();
    t.text('subject').notNullable();
    t.text('html').notNullable();
    t.text('text').notNullable();
    t.uuid('updated_by').references('id').inTable('users').onDelete('SET NULL').index('notification_templates_updated_by_idx');
    t.unique(['tenant_id', 'key', 'language']);
  });

  await createTenantTable(knex, 'notification_mail_log', (t) => {
    // No FK to billing's clients: notifications does not depend on billing.
    t.uuid('client_id');
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL').index('notification_mail_log_user_idx');
    t.uuid('resent_from').references('id').inTable('notification_mail_log').onDelete('SET NULL').index('notification_mail_log_resent_from_idx');
    t.text('template_key').notNullable();
    t.text('language').notNullable();
    t.text('to_email').notNullable();
    t.text('to_name');
    t.text('subject').notNullable();
    t.text('status').notNullable().defaultTo('queued');
    t.text('mail_ref');
    // The sender's key (an event id): a redelivered event logs and queues one mail.
    t.text('idempotency_key').notNullable();
    t.unique(['tenant_id', 'idempotency_key']);
    t.text('error');
    t.jsonb('request').notNullable();
    t.timestamp('sent_at', { useTz: true });
    t.index(['tenant_id', 'client_id', 'created_at'], 'notification_mail_log_client_idx');
  });
  await knex.raw(`ALTER TABLE notification_mail_log ADD CONSTRAINT notification_mail_log_status_check CHECK (status IN ('queued','sent','failed'))`);

  await createTenantTable(knex, 'notifications', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('type').notNullable();
    t.text('title').notNullable();
    t.text('body');
    t.text('link');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('dedupe_key');
    t.timestamp('read_at', { useTz: true });
    t.timestamp('digested_at', { useTz: true });
    t.index(['tenant_id', 'user_id', 'read_at', 'created_at'], 'notifications_user_idx');
    t.unique(['tenant_id', 'user_id', 'dedupe_key']);
  });
  await knex.raw('CREATE INDEX notifications_user_id_idx ON notifications (user_id)');

  await createTenantTable(knex, 'notification_preferences', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE').index('notification_preferences_user_idx');
    t.text('type').notNullable();
    t.boolean('in_app').notNullable();
    t.boolean('mail').notNullable();
    t.unique(['tenant_id', 'user_id', 'type']);
  });

  await createTenantTable(knex, 'notification_user_settings', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('language');
    t.boolean('digest').notNullable().defaultTo(false);
    t.unique(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['notification_user_settings', 'notification_preferences', 'notifications', 'notification_mail_log', 'notification_templates']) {
    await knex.schema.dropTableIfExists(table);
  }
}

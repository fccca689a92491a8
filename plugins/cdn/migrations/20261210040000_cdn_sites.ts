import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * The CDN state of hosting websites: one row per website that was ever put behind a CDN (a
 * disabled one keeps its row, so enabling again reuses the provider's site). Tenant table with
 * row-level security. `client_id` is the website's owner at enable time, for the portal's
 * ownership rule; the website itself is the hosting plugin's (removed with it).
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'cdn_sites', (t) => {
    t.uuid('website_id').notNullable().references('id').inTable('websites').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('id').inTable('hosting_accounts').onDelete('CASCADE');
    t.uuid('client_id').references('id').inTable('clients').onDelete('SET NULL');
    t.text('hostname').notNullable();
    t.text('origin').notNullable();
    t.text('provider').notNullable();
    t.text('provider_site_id');
    t.text('status').notNullable().defaultTo('enabling');
    t.text('status_detail');
    t.jsonb('name_servers').notNullable().defaultTo('[]');
    t.jsonb('cache_settings');
    t.timestamp('last_purge_at', { useTz: true });
    t.jsonb('last_purge');
    t.text('last_error');
    t.timestamp('last_error_at', { useTz: true });
    t.timestamp('checked_at', { useTz: true });
    t.index(['website_id'], 'cdn_sites_website_id_idx');
    t.index(['account_id'], 'cdn_sites_account_id_idx');
    t.index(['client_id'], 'cdn_sites_client_id_idx');
    t.unique(['tenant_id', 'website_id'], { indexName: 'cdn_sites_tenant_website_uniq' });
  });
  await knex.raw(`ALTER TABLE cdn_sites ADD CONSTRAINT cdn_sites_status_check CHECK (status IN ('enabling','pending','active','paused','disabled','error'))`);
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'cdn_sites');
}

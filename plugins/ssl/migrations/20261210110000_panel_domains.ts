import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * Certificates for the panel's own host names (the tenant's verified custom panel domains):
 * `certificates.panel_domain` marks them (installed into the front proxy's TLS directory, not on a
 * website), and `panel_acme_challenges` holds the http-01 tokens mPanel itself answers while an
 * order is pending (`/.well-known/acme-challenge/<token>` on that domain).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('certificates', (t) => {
    t.boolean('panel_domain').notNullable().defaultTo(false);
  });
  await createTenantTable(knex, 'panel_acme_challenges', (t) => {
    t.text('domain').notNullable();
    t.text('token').notNullable();
    t.text('key_authorization').notNullable();
  });
  await knex.raw('CREATE UNIQUE INDEX panel_acme_challenges_tenant_token_uniq ON panel_acme_challenges (tenant_id, token)');
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'panel_acme_challenges');
  await knex.schema.alterTable('certificates', (t) => {
    t.dropColumn('panel_domain');
  });
}

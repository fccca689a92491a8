import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * ACME accounts (one key per tenant and directory URL, sealed) and certificates: names, the site
 * they are for, the challenge, validity, the renewal schedule, the failure counter and back-off,
 * the CA's last error in its own words, the key (sealed) and the chain. Tenant tables (RLS).
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'acme_accounts', (t) => {
    t.text('directory_url').notNullable();
    t.text('email');
    // ctx.secrets.seal(privateKeyPem, 'acme_accounts.account_key'): bound to the tenant.
    t.text('account_key').notNullable();
    t.text('account_url');
  });
  await knex.raw('CREATE UNIQUE INDEX acme_accounts_tenant_directory_uniq ON acme_accounts (tenant_id, directory_url)');

  await createTenantTable(knex, 'certificates', (t) => {
    // The first name is the common name; all are subjectAltNames. Lower case, `*.` for wildcards.
    t.specificType('names', 'text[]').notNullable();
    t.text('primary_name').notNullable();
    // hosting's website (no FK: another plugin's table); null for names without a site (dns-01).
    t.uuid('site_id');
    t.uuid('client_id').references('id').inTable('clients').onDelete('CASCADE');
    t.text('challenge').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.boolean('auto_renew').notNullable().defaultTo(true);
    t.text('directory_url');
    t.timestamp('not_before', { useTz: true });
    t.timestamp('not_after', { useTz: true });
    t.timestamp('renew_at', { useTz: true });
    t.integer('failure_count').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true });
    t.timestamp('last_attempt_at', { useTz: true });
    t.text('last_error');
    t.timestamp('last_error_at', { useTz: true });
    // Claimed by a sweep or a request; an issuance job clears it. A stale claim (worker died) is taken again.
    t.timestamp('in_progress_since', { useTz: true });
    t.timestamp('issued_at', { useTz: true });
    t.timestamp('installed_at', { useTz: true });
    t.text('serial');
    t.text('issuer');
    // ctx.secrets.seal(keyPem, 'certificates.private_key').
    t.text('private_key');
    t.text('certificate_pem');
    // The not_after an expiry alert was sent for (one alert per certificate lifetime).
    t.timestamp('alerted_for', { useTz: true });
    t.index(['site_id'], 'certificates_site_idx');
    t.index(['client_id'], 'certificates_client_idx');
    t.index(['tenant_id', 'next_attempt_at'], 'certificates_next_attempt_idx');
    t.index(['tenant_id', 'renew_at'], 'certificates_renew_at_idx');
  });
  await knex.raw(`ALTER TABLE certificates ADD CONSTRAINT certificates_status_check CHECK (status IN ('pending','active','failed','expired'))`);
  await knex.raw(`ALTER TABLE certificates ADD CONSTRAINT certificates_challenge_check CHECK (challenge IN ('http-01','dns-01'))`);
  await knex.raw('ALTER TABLE certificates ADD CONSTRAINT certificates_names_check CHECK (cardinality(names) BETWEEN 1 AND 100)');
  // One certificate per primary name per tenant.
  await knex.raw('CREATE UNIQUE INDEX certificates_tenant_primary_uniq ON certificates (tenant_id, primary_name)');
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'certificates');
  await dropTenantTable(knex, 'acme_accounts');
}

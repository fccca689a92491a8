import type { Knex } from 'knex';

/**
 * A tenant's domain is a claim until proved (DNS TXT record or HTTP token): only verified domains
 * route requests to a tenant, and one domain is verified for one tenant at most. Domains mapped
 * before this had no proof, so they start pending. `mpanel_domain_taken` answers, inside a
 * tenant's transaction, whether another tenant holds a domain (row-level security hides it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tenant_domains', (t) => {
    t.text('status').notNullable().defaultTo('pending');
    t.text('verification_token');
    t.timestamp('verified_at', { useTz: true });
  });
  await knex.raw(`UPDATE tenant_domains SET verification_token = md5(random()::text || id::text) WHERE verification_token IS NULL`);
  await knex.raw('ALTER TABLE tenant_domains ALTER COLUMN verification_token SET NOT NULL');
  await knex.raw(`ALTER TABLE tenant_domains ADD CONSTRAINT tenant_domains_status_check CHECK (status IN ('pending', 'verified'))`);
  await knex.raw('DROP INDEX tenant_domains_domain_uniq');
  await knex.raw('CREATE UNIQUE INDEX tenant_domains_tenant_domain_uniq ON tenant_domains (tenant_id, lower(domain))');
  await knex.raw(`CREATE UNIQUE INDEX tenant_domains_verified_uniq ON tenant_domains (lower(domain)) WHERE status = 'verified'`);
  await knex.raw(`
    CREATE FUNCTION mpanel_domain_taken(candidate text, claimant uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT EXISTS (SELECT 1 FROM tenant_domains WHERE lower(domain) = lower(candidate) AND status = 'verified' AND tenant_id <> claimant)
    $$`);
  await knex.raw('REVOKE ALL ON FUNCTION mpanel_domain_taken(text, uuid) FROM PUBLIC');
  await knex.raw('GRANT EXECUTE ON FUNCTION mpanel_domain_taken(text, uuid) TO mpanel_app');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS mpanel_domain_taken(text, uuid)');
  await knex.raw('DROP INDEX IF EXISTS tenant_domains_verified_uniq');
  await knex.raw('DROP INDEX IF EXISTS tenant_domains_tenant_domain_uniq');
  await knex.raw('CREATE UNIQUE INDEX tenant_domains_domain_uniq ON tenant_domains (lower(domain))');
  await knex.schema.alterTable('tenant_domains', (t) => {
    t.dropChecks(['tenant_domains_status_check']);
    t.dropColumns('status', 'verification_token', 'verified_at');
  });
}

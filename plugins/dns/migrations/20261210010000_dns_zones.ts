import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * DNS zones and their record sets (mPanel's database is the source of truth; the provider is where
 * they are published), the record sets waiting for publication, the change history and per-tenant
 * zone templates.
 *
 * A zone name belongs to one tenant across the platform: a unique index on the name (row-level
 * security does not hide rows from a unique index), and a trigger that refuses a zone equal to,
 * under or above another tenant's zone. The trigger is SECURITY DEFINER (it must see the other
 * tenants' rows, as `mpanel_domain_taken` does for verified domains) and takes a transaction lock
 * so two tenants creating `example.com` and `a.example.com` at once cannot both pass.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'dns_zones', (t) => {
    // Lower case, no trailing dot: `example.com`.
    t.text('name').notNullable();
    t.uuid('client_id').references('id').inTable('clients').onDelete('RESTRICT').index('dns_zones_client_idx');
    // Who created it (`hosting-account:<id>`): removeZonesOwnedBy removes only these.
    t.text('owner');
    t.jsonb('nameservers').notNullable().defaultTo('[]');
    // Publication: pending (changes queued), published, failed (the provider refused, or is down).
    t.text('publish_state').notNullable().defaultTo('pending');
    t.text('last_error');
    t.jsonb('last_error_record');
    t.timestamp('published_at', { useTz: true });
    t.boolean('provider_created').notNullable().defaultTo(false);
    t.timestamp('deleted_at', { useTz: true });
    t.boolean('dnssec_enabled').notNullable().defaultTo(false);
    t.jsonb('dnssec_ds').notNullable().defaultTo('[]');
    t.index(['tenant_id', 'owner'], 'dns_zones_owner_idx');
  });
  await knex.raw(`ALTER TABLE dns_zones ADD CONSTRAINT dns_zones_publish_state_check CHECK (publish_state IN ('pending','published','failed'))`);
  await knex.raw(`ALTER TABLE dns_zones ADD CONSTRAINT dns_zones_name_check CHECK (name = lower(name) AND name !~ '\\.$' AND length(name) BETWEEN 1 AND 253)`);
  await knex.raw('CREATE UNIQUE INDEX dns_zones_name_uniq ON dns_zones (name)');
  await knex.raw(`
    CREATE FUNCTION mpanel_dns_zone_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('mpanel:dns_zones'));
      IF EXISTS (
        SELECT 1 FROM dns_zones z WHERE z.tenant_id <> NEW.tenant_id AND (
          z.name = NEW.name
          OR right(NEW.name, length(z.name) + 1) = '.' || z.name
          OR right(z.name, length(NEW.name) + 1) = '.' || NEW.name)
      ) THEN
        RAISE EXCEPTION 'dns zone % overlaps a zone of another tenant', NEW.name USING ERRCODE = '23505', CONSTRAINT = 'dns_zones_name_tenant';
      END IF;
      RETURN NEW;
    END $$`);
  await knex.raw('CREATE TRIGGER dns_zones_guard BEFORE INSERT OR UPDATE OF name, tenant_id ON dns_zones FOR EACH ROW EXECUTE FUNCTION mpanel_dns_zone_guard()');

  await createTenantTable(knex, 'dns_record_sets', (t) => {
    t.uuid('zone_id').notNullable().references('id').inTable('dns_zones').onDelete('CASCADE').index('dns_record_sets_zone_idx');
    // Fully qualified, lower case, no trailing dot.
    t.text('name').notNullable();
    t.text('type').notNullable();
    t.integer('ttl').notNullable();
    t.jsonb('values').notNullable();
    t.unique(['zone_id', 'name', 'type']);
  });

  // Record sets changed since they were last published: the publisher replaces each whole set at
  // the provider from the table above (or deletes it), so publishing is idempotent and order-free.
  // `rev` changes with every edit; a publish clears only the revision it read.
  await createTenantTable(knex, 'dns_pending_changes', (t) => {
    t.uuid('zone_id').notNullable().references('id').inTable('dns_zones').onDelete('CASCADE').index('dns_pending_changes_zone_idx');
    t.text('name').notNullable();
    t.text('type').notNullable();
    t.uuid('rev').notNullable();
    t.unique(['zone_id', 'name', 'type']);
  });

  await createTenantTable(knex, 'dns_zone_changes', (t) => {
    t.uuid('zone_id').notNullable().references('id').inTable('dns_zones').onDelete('CASCADE').index('dns_zone_changes_zone_idx');
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL').index('dns_zone_changes_user_idx');
    // `user:<id>`, `api-key:<id>`, `system`, or the service caller's label.
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('name');
    t.text('type');
    t.jsonb('before');
    t.jsonb('after');
    t.index(['zone_id', 'created_at'], 'dns_zone_changes_listing_idx');
  });

  await createTenantTable(knex, 'dns_zone_templates', (t) => {
    t.text('name').notNullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    t.jsonb('nameservers').notNullable().defaultTo('[]');
    // [{ name: '@' | 'www' | ..., type, ttl?, values: ['{{ip}}'] }]
    t.jsonb('records').notNullable().defaultTo('[]');
    t.unique(['tenant_id', 'name']);
  });
  await knex.raw('CREATE UNIQUE INDEX dns_zone_templates_default_uniq ON dns_zone_templates (tenant_id) WHERE is_default');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['dns_zone_templates', 'dns_zone_changes', 'dns_pending_changes', 'dns_record_sets']) await knex.schema.dropTableIfExists(table);
  await knex.raw('DROP TRIGGER IF EXISTS dns_zones_guard ON dns_zones');
  await knex.schema.dropTableIfExists('dns_zones');
  await knex.raw('DROP FUNCTION IF EXISTS mpanel_dns_zone_guard()');
}

import type { Knex } from 'knex';
import { createTenantTable, SYSTEM_ROLES } from '@mpanel/sdk';

/**
 * Identity schema: tenants (platform table, no tenant_id), their mapped domains, roles (system
 * roles are shared rows with tenant_id NULL), permissions, users, sessions and refresh tokens,
 * API keys and the audit log. Every table with a tenant_id gets row-level security.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tenants', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('slug').notNullable().unique();
    t.uuid('parent_tenant_id').references('id').inTable('tenants').onDelete('RESTRICT');
    t.text('status').notNullable().defaultTo('active');
    // A reseller tenant's admins may create and manage sub-tenants.
    t.boolean('is_reseller').notNullable().defaultTo(false);
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.timestamps(true, true);
    t.index(['parent_tenant_id']);
  });
  await knex.raw(`ALTER TABLE tenants ADD CONSTRAINT tenants_status_check CHECK (status IN ('active', 'suspended'))`);

  await createTenantTable(knex, 'tenant_domains', (t) => {
    t.text('domain').notNullable();
  });
  await knex.raw('CREATE UNIQUE INDEX tenant_domains_domain_uniq ON tenant_domains (lower(domain))');

  await knex.schema.createTable('permissions', (t) => {
    t.text('name').primary();
    t.text('description').notNullable().defaultTo('');
    t.text('owner').notNullable().defaultTo('core');
    t.timestamps(true, true);
  });

  await createTenantTable(knex, 'roles', (t) => {
    t.text('name').notNullable();
    t.integer('level').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.boolean('is_system').notNullable().defaultTo(false);
    // Bumped whenever the role's permissions change, so cached permission sets know they are stale.
    t.integer('version').notNullable().defaultTo(1);
  }, { sharedRows: true });
  await knex.raw(`CREATE UNIQUE INDEX roles_name_uniq ON roles (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), name)`);

  await createTenantTable(knex, 'role_permissions', (t) => {
    t.uuid('role_id').notNullable().references('id').inTable('roles').onDelete('CASCADE');
    t.text('permission').notNullable().references('name').inTable('permissions').onDelete('CASCADE');
    t.primary(['role_id', 'permission']);
  }, { sharedRows: true, bare: true });

  await createTenantTable(knex, 'users', (t) => {
    t.text('email').notNullable();
    t.text('name');
    t.text('password_hash').notNullable();
    t.text('status').notNullable().defaultTo('active');
    // For portal users: the billing client account they belong to (object-level rule).
    t.uuid('client_id');
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.integer('lockouts').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.text('totp_secret'); // encrypted (AES-256-GCM)
    t.text('totp_pending_secret'); // encrypted, until confirmed
    t.boolean('totp_enabled').notNullable().defaultTo(false);
    t.jsonb('recovery_codes').notNullable().defaultTo('[]'); // SHA-256 hashes
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('password_changed_at', { useTz: true });
  });
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled'))`);
  await knex.raw('CREATE UNIQUE INDEX users_tenant_email_uniq ON users (tenant_id, lower(email))');
  await knex.raw('CREATE INDEX users_tenant_created_idx ON users (tenant_id, created_at, id)');

  await createTenantTable(knex, 'user_roles', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.uuid('role_id').notNullable().references('id').inTable('roles').onDelete('CASCADE');
    t.primary(['user_id', 'role_id']);
    t.index(['role_id']);
  }, { bare: true });

  // A session is one login: the family of its refresh tokens. Revoking it ends the access tokens
  // that carry its id at once (checked on every request).
  await createTenantTable(knex, 'sessions', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_reason');
    t.text('ip');
    t.text('user_agent');
    t.index(['user_id']);
  });

  await createTenantTable(knex, 'refresh_tokens', (t) => {
    t.uuid('family_id').notNullable().references('id').inTable('sessions').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('token_hash').notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['family_id']);
  });

  await createTenantTable(knex, 'api_keys', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('prefix').notNullable().unique();
    t.text('key_hash').notNullable();
    t.jsonb('permissions').notNullable().defaultTo('[]');
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });

  await createTenantTable(knex, 'audit_logs', (t) => {
    t.text('actor_type').notNullable(); // user | apiKey | system | anonymous
    t.text('actor_id');
    t.text('actor_email');
    t.text('action').notNullable();
    t.text('target_type');
    t.text('target_id');
    t.jsonb('before');
    t.jsonb('after');
    t.jsonb('metadata');
    t.text('ip');
    t.text('user_agent');
    t.text('request_id');
    t.index(['tenant_id', 'created_at']);
    t.index(['tenant_id', 'action']);
  });

  await knex('roles').insert(
    Object.entries(SYSTEM_ROLES).map(([name, level]) => ({ name, level, is_system: true, description: `System role ${name}` })),
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_logs', 'api_keys', 'refresh_tokens', 'sessions', 'user_roles', 'users', 'role_permissions', 'roles', 'permissions', 'tenant_domains', 'tenants']) {
    await knex.schema.dropTableIfExists(table);
  }
}

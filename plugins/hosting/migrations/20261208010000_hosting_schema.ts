import type { Knex } from 'knex';
import { APP_ROLE, CURRENT_TENANT_SQL, createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * The hosting schema (HOSTING.md §6.1). Every table is a tenant table with row-level security.
 *
 * A server belongs to exactly one tenant. A reseller (child tenant) gets capacity on a parent's
 * server group through `server_group_grants`; its accounts point at the parent's servers (foreign
 * keys are checked below row-level security), but it never reads those servers. What it needs
 * across the tenant line — how full each server of a granted group is, whether a username is free
 * on a server — comes from the SECURITY DEFINER functions at the end, which answer ids and counts
 * only, for groups the calling tenant owns or was granted.
 *
 * Secrets: `servers.credentials` holds a sealed value (AES-256-GCM, `ctx.secrets`), SFTP passwords
 * a hash; database passwords are never stored.
 */
const RESOURCE_STATES = `('creating','active','suspended','removing','removed','failed')`;

async function check(knex: Knex, table: string, name: string, expr: string): Promise<void> {
  await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${name}_check CHECK (${expr})`);
}

export const TABLES = [
  'provisioning_operations', 'cron_jobs', 'sftp_users', 'hosting_databases', 'websites', 'hosting_accounts',
  'hosting_plans', 'server_group_grants', 'servers', 'server_groups',
];

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'server_groups', (t) => {
    t.text('name').notNullable();
    t.text('description');
    t.text('placement').notNullable().defaultTo('least_full');
    // The ProvisioningModule id the group's servers speak (`mpanel-agent`, `cpanel`...).
    t.text('module').notNullable().defaultTo('mpanel-agent');
  });
  await check(knex, 'server_groups', 'placement', `placement IN ('least_full','fill','round_robin','least_load')`);
  await knex.raw('CREATE UNIQUE INDEX server_groups_tenant_name_uniq ON server_groups (tenant_id, lower(name))');

  await createTenantTable(knex, 'servers', (t) => {
    t.uuid('group_id').references('id').inTable('server_groups').onDelete('RESTRICT');
    t.text('name').notNullable();
    t.text('hostname').notNullable();
    t.text('module').notNullable().defaultTo('mpanel-agent');
    t.text('address');
    t.integer('port');
    t.text('status').notNullable().defaultTo('enrolling');
    // null = no limit
    t.integer('max_accounts');
    t.integer('max_disk_gb');
    t.jsonb('capabilities').notNullable().defaultTo('{}');
    t.jsonb('facts').notNullable().defaultTo('{}');
    t.text('agent_public_key');
    // Sealed JSON object (password, API token, SSH key): write-only through the API.
    t.text('credentials');
    t.timestamp('last_seen_at', { useTz: true });
    t.index(['group_id'], 'servers_group_id_idx');
  });
  await check(knex, 'servers', 'status', `status IN ('enrolling','online','offline','draining','maintenance')`);
  await check(knex, 'servers', 'capacity', '(max_accounts IS NULL OR max_accounts >= 0) AND (max_disk_gb IS NULL OR max_disk_gb >= 0)');
  await check(knex, 'servers', 'port', 'port IS NULL OR port BETWEEN 1 AND 65535');
  await knex.raw('CREATE UNIQUE INDEX servers_tenant_hostname_uniq ON servers (tenant_id, lower(hostname))');

  await createTenantTable(knex, 'server_group_grants', (t) => {
    t.uuid('group_id').notNullable().references('id').inTable('server_groups').onDelete('CASCADE');
    t.uuid('child_tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    // Quotas of the reseller on the group; null = no quota beyond the servers' own capacity.
    t.integer('max_accounts');
    t.bigInteger('max_disk_mb');
    t.text('note');
    t.unique(['group_id', 'child_tenant_id']);
    t.index(['child_tenant_id'], 'server_group_grants_child_idx');
  });
  await check(knex, 'server_group_grants', 'quotas', '(max_accounts IS NULL OR max_accounts >= 0) AND (max_disk_mb IS NULL OR max_disk_mb >= 0)');
  await check(knex, 'server_group_grants', 'not_self', 'child_tenant_id <> tenant_id');
  // The reseller reads its own grants (group id and quotas), never writes them.
  await knex.raw(`CREATE POLICY grant_child_read ON server_group_grants FOR SELECT TO ${APP_ROLE} USING (child_tenant_id = ${CURRENT_TENANT_SQL})`);

  await createTenantTable(knex, 'hosting_plans', (t) => {
    t.text('name').notNullable();
    t.text('description');
    // A group of this tenant or one granted to it (checked by the API: the FK cannot see grants).
    t.uuid('server_group_id').references('id').inTable('server_groups').onDelete('RESTRICT');
    // HostingPlanLimits (SDK): diskMb, sites, databases, cronJobs, phpVersions, phpMaxChildren, memoryMb...
    t.jsonb('limits').notNullable();
    // { web: '503' | 'off', sftp: bool (off when suspended), mailReceive: bool, db: bool (revoke), cron: bool (off) }
    t.jsonb('suspension_policy').notNullable().defaultTo('{}');
    t.text('remote_package');
    t.boolean('retired').notNullable().defaultTo(false);
    t.index(['server_group_id'], 'hosting_plans_group_idx');
  });
  await knex.raw('CREATE UNIQUE INDEX hosting_plans_tenant_name_uniq ON hosting_plans (tenant_id, lower(name))');

  await createTenantTable(knex, 'hosting_accounts', (t) => {
    t.uuid('service_id').notNullable().references('id').inTable('services').onDelete('RESTRICT');
    // Copied from the service: the portal's ownership rule without a join.
    t.uuid('client_id').notNullable().references('id').inTable('clients').onDelete('RESTRICT');
    // null until placed; may be a parent tenant's server (reseller grant).
    t.uuid('server_id').references('id').inTable('servers').onDelete('RESTRICT');
    t.uuid('plan_id').notNullable().references('id').inTable('hosting_plans').onDelete('RESTRICT');
    t.text('username').notNullable();
    t.integer('uid');
    t.text('domain');
    // Billing's intent, as hosting last heard it.
    t.text('desired_state').notNullable().defaultTo('active');
    t.text('suspend_reason');
    // What the server really has: null (never observed), active, suspended, missing.
    t.text('observed_state');
    t.timestamp('observed_at', { useTz: true });
    // [{ field, desired, observed, note }] from the last observation; empty = in sync.
    t.jsonb('drift').notNullable().defaultTo('[]');
    t.jsonb('remote').notNullable().defaultTo('{}');
    t.jsonb('usage').notNullable().defaultTo('{}');
    // { step, of, label, failed? } while the account is being set up; null once done.
    t.jsonb('setup_progress');
    t.index(['client_id'], 'hosting_accounts_client_idx');
    t.index(['server_id'], 'hosting_accounts_server_idx');
    t.index(['plan_id'], 'hosting_accounts_plan_idx');
  });
  await check(knex, 'hosting_accounts', 'desired', `desired_state IN ('active','suspended','terminated')`);
  await check(knex, 'hosting_accounts', 'observed', `observed_state IS NULL OR observed_state IN ('active','suspended','missing')`);
  await check(knex, 'hosting_accounts', 'username', `username ~ '^[a-z][a-z0-9]{1,15}$'`);
  await knex.raw('CREATE UNIQUE INDEX hosting_accounts_service_uniq ON hosting_accounts (service_id)');
  // A Linux user name is unique on its server, whichever tenant placed the account there.
  await knex.raw(`CREATE UNIQUE INDEX hosting_accounts_server_username_uniq ON hosting_accounts (server_id, username) WHERE desired_state <> 'terminated'`);

  const resource = (t: Knex.CreateTableBuilder) => {
    t.uuid('account_id').notNullable().references('id').inTable('hosting_accounts').onDelete('CASCADE');
    t.text('state').notNullable().defaultTo('creating');
    t.index(['account_id']);
  };

  await createTenantTable(knex, 'websites', (t) => {
    resource(t);
    t.text('domain').notNullable();
    t.specificType('aliases', 'text[]').notNullable().defaultTo('{}');
    t.text('docroot').notNullable();
    t.text('php_version');
    t.boolean('redirect_https').notNullable().defaultTo(false);
    // certificates come with the SSL issue; no FK yet.
    t.uuid('certificate_id');
  });
  await check(knex, 'websites', 'state', `state IN ${RESOURCE_STATES}`);
  // One live site per domain on the whole platform: nginx routes by Host, not by tenant.
  await knex.raw(`CREATE UNIQUE INDEX websites_live_domain_uniq ON websites (lower(domain)) WHERE state <> 'removed'`);

  await createTenantTable(knex, 'hosting_databases', (t) => {
    resource(t);
    t.text('engine').notNullable().defaultTo('mariadb');
    t.text('name').notNullable();
    t.text('db_user').notNullable();
    t.text('host').notNullable().defaultTo('localhost');
    t.integer('max_connections');
  });
  await check(knex, 'hosting_databases', 'state', `state IN ${RESOURCE_STATES}`);
  await check(knex, 'hosting_databases', 'engine', `engine IN ('mariadb','postgresql')`);
  await knex.raw(`CREATE UNIQUE INDEX hosting_databases_account_name_uniq ON hosting_databases (account_id, name) WHERE state <> 'removed'`);

  await createTenantTable(knex, 'sftp_users', (t) => {
    resource(t);
    t.text('username').notNullable();
    // argon2id; null = keys only
    t.text('password_hash');
    t.specificType('authorized_keys', 'text[]').notNullable().defaultTo('{}');
  });
  await check(knex, 'sftp_users', 'state', `state IN ${RESOURCE_STATES}`);
  await knex.raw(`CREATE UNIQUE INDEX sftp_users_account_username_uniq ON sftp_users (account_id, username) WHERE state <> 'removed'`);

  await createTenantTable(knex, 'cron_jobs', (t) => {
    resource(t);
    t.text('schedule').notNullable();
    t.text('command').notNullable();
  });
  await check(knex, 'cron_jobs', 'state', `state IN ${RESOURCE_STATES}`);

  await createTenantTable(knex, 'provisioning_operations', (t) => {
    // account | site | database | sftpUser | cron | server
    t.text('subject_type').notNullable();
    t.uuid('subject_id').notNullable();
    t.uuid('account_id').references('id').inTable('hosting_accounts').onDelete('SET NULL');
    t.uuid('server_id').references('id').inTable('servers').onDelete('SET NULL');
    t.text('action').notNullable();
    // Snapshot of what should exist (secrets redacted or sealed by the caller).
    t.jsonb('desired').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('queued');
    t.integer('attempt').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true });
    t.text('error_code');
    t.text('error_message');
    t.text('client_message');
    t.boolean('retryable');
    t.boolean('ambiguous');
    // [{ name, ok, ms, detail }]
    t.jsonb('steps').notNullable().defaultTo('[]');
    t.text('idempotency_key').notNullable();
    // event id, `user:<id>` or `system:<what>`
    t.text('triggered_by').notNullable();
    t.uuid('workflow_run_id');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.unique(['tenant_id', 'idempotency_key']);
    t.index(['account_id'], 'provisioning_operations_account_idx');
    t.index(['server_id'], 'provisioning_operations_server_idx');
    t.index(['subject_type', 'subject_id'], 'provisioning_operations_subject_idx');
  });
  await check(knex, 'provisioning_operations', 'status', `status IN ('queued','running','succeeded','retrying','needs_attention','cancelled','superseded')`);
  await check(knex, 'provisioning_operations', 'subject', `subject_type IN ('account','site','database','sftpUser','cron','server')`);
  await knex.raw(`CREATE INDEX provisioning_operations_open_idx ON provisioning_operations (tenant_id, status, next_attempt_at) WHERE status IN ('queued','running','retrying','needs_attention')`);

  await definerFunctions(knex);
}

/** Capacity and name checks that must see every tenant's accounts on a server (resellers share servers). */
async function definerFunctions(knex: Knex): Promise<void> {
  const me = CURRENT_TENANT_SQL;
  // Servers of a group the caller owns or was granted, with what is placed on them by all tenants:
  // ids and numbers only, never names, addresses or credentials.
  await knex.raw(`
    CREATE FUNCTION hosting_placement_candidates(p_group uuid)
    RETURNS TABLE (server_id uuid, status text, max_accounts integer, max_disk_gb integer, created_at timestamptz, accounts bigint, allocated_disk_mb bigint, last_placed_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT s.id, s.status, s.max_accounts, s.max_disk_gb, s.created_at,
             count(a.id) FILTER (WHERE a.desired_state IN ('active','suspended')),
             coalesce(sum((p.limits->>'diskMb')::bigint) FILTER (WHERE a.desired_state IN ('active','suspended')), 0)::bigint,
             max(a.created_at)
      FROM servers s
      LEFT JOIN hosting_accounts a ON a.server_id = s.id
      LEFT JOIN hosting_plans p ON p.id = a.plan_id
      WHERE s.group_id = p_group
        AND (s.tenant_id = ${me}
             OR EXISTS (SELECT 1 FROM server_group_grants g WHERE g.group_id = p_group AND g.child_tenant_id = ${me}))
      GROUP BY s.id
    $$`);
  await knex.raw(`
    CREATE FUNCTION hosting_username_taken(p_server uuid, p_username text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT EXISTS (SELECT 1 FROM hosting_accounts WHERE server_id = p_server AND username = p_username AND desired_state <> 'terminated')
    $$`);
  for (const fn of ['hosting_placement_candidates(uuid)', 'hosting_username_taken(uuid, text)']) {
    await knex.raw(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    await knex.raw(`GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_ROLE}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS hosting_placement_candidates(uuid)');
  await knex.raw('DROP FUNCTION IF EXISTS hosting_username_taken(uuid, text)');
  for (const table of TABLES) await dropTenantTable(knex, table);
}

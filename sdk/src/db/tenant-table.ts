import type { Knex } from 'knex';

/** The role requests, jobs and event handlers run as (see core's first migration). */
export const APP_ROLE = 'mpanel_app';

/** The tenant of the current transaction, as row-level security policies read it. */
export const CURRENT_TENANT_SQL = "nullif(current_setting('app.tenant_id', true), '')::uuid";

export interface TenantTableOptions {
  /**
   * Rows with `tenant_id` NULL are shared by every tenant (read-only for the app role: restrictive
   * policies keep its updates and deletes to its own tenant's rows), e.g. the system roles.
   * Default: false, `tenant_id` is NOT NULL.
   */
  sharedRows?: boolean;
  /** Skip the standard `id`, `created_at`, `updated_at` columns (join tables). */
  bare?: boolean;
}

/**
 * Creates a tenant table the one way every tenant table is made: uuid `id`, `tenant_id` (FK to
 * tenants, indexed), timestamps, the caller's columns, then row-level security. Plugins call it
 * from their migrations: `await createTenantTable(knex, 'invoices', (t) => { t.text('number') })`.
 */
export async function createTenantTable(
  knex: Knex,
  name: string,
  build: (table: Knex.CreateTableBuilder) => void,
  options: TenantTableOptions = {},
): Promise<void> {
  await knex.schema.createTable(name, (t) => {
    if (!options.bare) t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    const tenant = t.uuid('tenant_id').references('id').inTable('tenants').onDelete('CASCADE');
    if (!options.sharedRows) tenant.notNullable();
    t.index(['tenant_id'], `${name}_tenant_id_idx`);
    if (!options.bare) t.timestamps(true, true);
    build(t);
  });
  await enableTenantRls(knex, name, options);
}

/**
 * Row-level security on an existing table with a `tenant_id` column. The app role sees and writes
 * only rows of the tenant in `app.tenant_id`; FORCE makes the table owner subject to policies too,
 * so the owner gets an explicit policy of its own (core's auth lookups and seeding run as the
 * owner, before any tenant is known). Superusers bypass row-level security whatever we do, which
 * is why requests `SET LOCAL ROLE mpanel_app`.
 */
export async function enableTenantRls(knex: Knex, name: string, options: Pick<TenantTableOptions, 'sharedRows'> = {}): Promise<void> {
  const table = quoteIdent(name);
  const own = `tenant_id = ${CURRENT_TENANT_SQL}`;
  const visible = options.sharedRows ? `(tenant_id IS NULL OR ${own})` : own;
  await knex.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await knex.raw(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await knex.raw(`CREATE POLICY tenant_isolation ON ${table} TO ${APP_ROLE} USING (${visible}) WITH CHECK (${own})`);
  // The owner is whoever runs the migration; its name is only known in the database.
  await knex.raw(`DO $$ BEGIN EXECUTE format('CREATE POLICY owner_access ON ${table.replace(/'/g, "''")} TO %I USING (true) WITH CHECK (true)', current_user); END $$`);
  await knex.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE}`);
  if (options.sharedRows) await sharedRowsReadOnly(knex, name);
}

/** Core's shared-rows tables made before `enableTenantRls` added `sharedRowsReadOnly`. */
export const SHARED_ROWS_TABLES_BEFORE_POLICY = ['roles', 'role_permissions', 'outbox_events', 'event_deliveries', 'jobs'] as const;

/**
 * `tenant_isolation` shows the app role the shared rows (USING) for every command: these
 * restrictive policies narrow UPDATE and DELETE to the rows of its own context, so a tenant's
 * request can neither delete a shared row nor move it to its tenant; only work without a tenant
 * (the platform's jobs and events) changes shared rows. Idempotent.
 */
export async function sharedRowsReadOnly(knex: Knex, name: string): Promise<void> {
  const table = quoteIdent(name);
  const own = `tenant_id IS NOT DISTINCT FROM ${CURRENT_TENANT_SQL}`;
  await knex.raw(`DROP POLICY IF EXISTS shared_rows_no_update ON ${table}`);
  await knex.raw(`DROP POLICY IF EXISTS shared_rows_no_delete ON ${table}`);
  await knex.raw(`CREATE POLICY shared_rows_no_update ON ${table} AS RESTRICTIVE FOR UPDATE TO ${APP_ROLE} USING (${own}) WITH CHECK (${own})`);
  await knex.raw(`CREATE POLICY shared_rows_no_delete ON ${table} AS RESTRICTIVE FOR DELETE TO ${APP_ROLE} USING (${own})`);
}

export async function dropTenantTable(knex: Knex, name: string): Promise<void> {
  await knex.schema.dropTableIfExists(name);
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Table name "${name}" must be lower snake case`);
  return `"${name}"`;
}

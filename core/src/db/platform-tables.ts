import type { Knex } from 'knex';
import { APP_ROLE } from '@mpanel/sdk';

/**
 * Tables without `tenant_id` have no row-level security: whatever the app role may write there,
 * any request may write for every tenant. So the app role only reads them, except the writes
 * listed here, each needed by a request and checked by its route.
 */
export const APP_ROLE_PLATFORM_WRITES: Readonly<Record<string, readonly string[]>> = {
  // POST /api/v1/tenants makes sub-tenants, PATCH /api/v1/tenants/:id renames them and maps
  // domains: the routes allow it to the platform and to a reseller for its own children only.
  tenants: ['INSERT', 'UPDATE'],
  // POST/PATCH /api/v1/roles add registered permission names the table does not have yet.
  permissions: ['INSERT'],
};

/**
 * Revokes the app role's writes on every table without `tenant_id` but those listed above. Runs
 * after every migration run: default privileges grant new tables (plugin migration tables too).
 */
export async function lockPlatformTables(knex: Knex): Promise<void> {
  const { rows } = (await knex.raw(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`,
  )) as { rows: Array<{ name: string }> };
  for (const { name } of rows) {
    const allowed = APP_ROLE_PLATFORM_WRITES[name] ?? [];
    const revoke = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'].filter((p) => !allowed.includes(p));
    await knex.raw(`REVOKE ${revoke.join(', ')} ON "${name.replace(/"/g, '""')}" FROM ${APP_ROLE}`);
  }
}

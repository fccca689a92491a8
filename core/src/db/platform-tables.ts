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
  // One statement (it runs at every start): the revokes per table are made by the server.
  const cases = Object.entries(APP_ROLE_PLATFORM_WRITES)
    .map(([table, allowed]) => `when ${literal(table)} then ${literal(revokedOf(allowed))}`)
    .join(' ');
  await knex.raw(`do $$ declare r record; begin
    for r in select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
    loop
      execute format('REVOKE %s ON %I FROM ${APP_ROLE}', case r.name ${cases} else ${literal(revokedOf([]))} end, r.name);
    end loop;
  end $$`);
}

function revokedOf(allowed: readonly string[]): string {
  return ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'].filter((p) => !allowed.includes(p)).join(', ');
}

/** The constants above as SQL literals (they are code, not input; checked anyway). */
function literal(value: string): string {
  if (!/^[A-Za-z_, ]+$/.test(value)) throw new Error(`not a plain name: ${value}`);
  return `'${value}'`;
}

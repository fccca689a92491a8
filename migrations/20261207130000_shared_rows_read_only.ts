import type { Knex } from 'knex';
import { SHARED_ROWS_TABLES_BEFORE_POLICY, sharedRowsReadOnly } from '@mpanel/sdk';

/**
 * Shared rows (`tenant_id` NULL: the system roles and their permissions, platform events and
 * jobs) were readable by every tenant as intended, but `tenant_isolation` (one policy for all
 * commands) also let the app role delete them or move them to its own tenant. The restrictive
 * policies that `enableTenantRls` now adds leave a tenant's context changing only its own rows.
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of SHARED_ROWS_TABLES_BEFORE_POLICY) await sharedRowsReadOnly(knex, table);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of SHARED_ROWS_TABLES_BEFORE_POLICY) {
    await knex.raw(`DROP POLICY IF EXISTS shared_rows_no_update ON ${table}`);
    await knex.raw(`DROP POLICY IF EXISTS shared_rows_no_delete ON ${table}`);
  }
}

import type { Knex } from 'knex';
import { APP_ROLE, CURRENT_TENANT_SQL } from '@mpanel/sdk';

/**
 * Event handlers run on the app role's pool, and their transaction marks its own deliveries (so a
 * handler's effects and its "delivered" mark commit together). A platform event's deliveries
 * (`tenant_id` NULL) are marked by a transaction without a tenant context: `platform_deliveries`
 * allows that there. `tenant_isolation` shows every tenant the shared rows, and would let it
 * delete them or move them to itself (a platform event then delivered as that tenant); the
 * restrictive policies leave the app role changing only the rows of its own context: its
 * tenant's, or without a tenant the platform's.
 */
export async function up(knex: Knex): Promise<void> {
  const platform = `tenant_id IS NULL AND ${CURRENT_TENANT_SQL} IS NULL`;
  const own = `tenant_id IS NOT DISTINCT FROM ${CURRENT_TENANT_SQL}`;
  await knex.raw(`CREATE POLICY platform_deliveries ON event_deliveries FOR UPDATE TO ${APP_ROLE} USING (${platform}) WITH CHECK (${platform})`);
  await knex.raw(`CREATE POLICY own_deliveries_update ON event_deliveries AS RESTRICTIVE FOR UPDATE TO ${APP_ROLE} USING (${own}) WITH CHECK (${own})`);
  await knex.raw(`CREATE POLICY own_deliveries_delete ON event_deliveries AS RESTRICTIVE FOR DELETE TO ${APP_ROLE} USING (${own})`);
}

export async function down(knex: Knex): Promise<void> {
  for (const policy of ['own_deliveries_delete', 'own_deliveries_update', 'platform_deliveries']) {
    await knex.raw(`DROP POLICY IF EXISTS ${policy} ON event_deliveries`);
  }
}

import type { Knex } from 'knex';
import { APP_ROLE, CURRENT_TENANT_SQL } from '@mpanel/sdk';

/**
 * Event handlers run on the app role's pool, and their transaction marks its own deliveries (so a
 * handler's effects and its "delivered" mark commit together). `tenant_isolation` lets the app role
 * write only its tenant's rows; a platform event's deliveries (`tenant_id` NULL) are marked by a
 * transaction without a tenant context, which this policy allows, and only there: with a tenant
 * set, a shared row stays read-only.
 */
export async function up(knex: Knex): Promise<void> {
  const platform = `tenant_id IS NULL AND ${CURRENT_TENANT_SQL} IS NULL`;
  await knex.raw(`CREATE POLICY platform_deliveries ON event_deliveries FOR UPDATE TO ${APP_ROLE} USING (${platform}) WITH CHECK (${platform})`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP POLICY IF EXISTS platform_deliveries ON event_deliveries');
}

import type { Knex } from 'knex';

/**
 * Sets the database-side tenant context for a transaction (row-level security): requests, jobs
 * and event handlers all go through here. Filled in by the identity work:
 * `set_config('app.tenant_id', tenantId, true)` and `SET LOCAL ROLE mpanel_app`.
 */
export async function applyTenantContext(_trx: Knex.Transaction, _tenantId: string | undefined): Promise<void> {
  // no tenant context yet
}

import type { Knex } from 'knex';

/**
 * Sets the database-side tenant context for a request's transaction (row-level security).
 * Filled in by the identity work: `set_config('app.tenant_id', ..., true)` and the app role.
 */
export async function applyTenantContext(_trx: Knex.Transaction, _state: Record<string, unknown>): Promise<void> {
  // no tenant context yet
}

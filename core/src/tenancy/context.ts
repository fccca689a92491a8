import type { Knex } from 'knex';
import { APP_ROLE } from '@mpanel/sdk';

/**
 * Sets the database-side tenant context for a transaction (row-level security): requests, jobs
 * and event handlers all go through here. One round trip: `set_config('role', ..., true)` is
 * `SET LOCAL ROLE`, so from here on the transaction runs as the non-owner app role and sees only
 * the tenant's rows. Without a tenant the app role sees no tenant rows at all.
 */
export async function applyTenantContext(trx: Knex.Transaction, tenantId: string | undefined): Promise<void> {
  await trx.raw(`select set_config('app.tenant_id', ?, true), set_config('role', '${APP_ROLE}', true)`, [tenantId ?? '']);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The same context as text, sent with BEGIN in one simple-protocol round trip (see
 * RequestTransaction). The tenant id is checked to be a UUID before it becomes a literal, so no
 * input can reach the SQL; anything else is a programming error.
 */
export function beginWithTenant(tenantId: string | undefined): string {
  return `BEGIN; ${tenantContextStatement(tenantId)}`;
}

/** The statement of `applyTenantContext` as text, for a BEGIN that carries more statements. */
export function tenantContextStatement(tenantId: string | undefined): string {
  if (tenantId !== undefined && !isUuid(tenantId)) throw new Error('tenant id must be a UUID');
  return `select set_config('app.tenant_id', '${tenantId ?? ''}', true), set_config('role', '${APP_ROLE}', true)`;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Switches the tenant of a transaction that already runs as the app role (explicit cross-tenant work). */
export async function setTenant(trx: Knex.Transaction, tenantId: string): Promise<void> {
  await trx.raw(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
}

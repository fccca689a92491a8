import type { Knex } from 'knex';
import { createTenantDb, type TenantDb } from '@mpanel/sdk';
import { applyTenantContext, setTenant } from './context.ts';

/**
 * Runs `fn` in a new transaction with the tenant context set, as the app role: what jobs, event
 * handlers and any code outside a request use to touch tenant data.
 */
export async function withTenant<T>(knex: Knex, tenantId: string, fn: (db: TenantDb, trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return knex.transaction(async (trx) => {
    await applyTenantContext(trx, tenantId);
    return fn(createTenantDb(trx, tenantId), trx);
  });
}

/**
 * Inside an app-role transaction, acts on another tenant explicitly (a super admin or reseller
 * creating a sub-tenant's admin) and switches back afterwards. On error it does not switch back:
 * the transaction is then failed and rolled back anyway, and the original error must surface.
 */
export async function asTenant<T>(trx: Knex.Transaction, from: string, to: string, fn: (db: TenantDb) => Promise<T>): Promise<T> {
  await setTenant(trx, to);
  const result = await fn(createTenantDb(trx, to));
  await setTenant(trx, from);
  return result;
}

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
 * creating a sub-tenant's admin) and switches back afterwards, also when `fn` throws: a caller
 * that catches the error and goes on must not keep running as the other tenant. When the switch
 * back itself fails (the transaction is aborted by fn's SQL error) fn's error is the one that surfaces.
 */
export async function asTenant<T>(trx: Knex.Transaction, from: string, to: string, fn: (db: TenantDb) => Promise<T>): Promise<T> {
  await setTenant(trx, to);
  let result: T;
  try {
    result = await fn(createTenantDb(trx, to));
  } catch (err) {
    await setTenant(trx, from).catch(() => undefined);
    throw err;
  }
  await setTenant(trx, from);
  return result;
}

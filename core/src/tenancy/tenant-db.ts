import type { Knex } from 'knex';
import type { TenantDb } from '@mpanel/sdk';

/**
 * Builds Lock 1 for one tenant and transaction: every builder starts with `tenant_id = ?` and
 * every insert carries the tenant id. See `TenantDb` in the SDK for the API.
 */
export function createTenantDb(trx: Knex.Transaction, tenantId: string): TenantDb {
  const db = ((table: string) => {
    const alias = /\s+as\s+(\w+)\s*$/i.exec(table)?.[1] ?? table.trim();
    return trx(table).where(`${alias}.tenant_id`, tenantId);
  }) as TenantDb;
  Object.defineProperties(db, {
    tenantId: { value: tenantId, enumerable: true },
    trx: { value: trx, enumerable: true },
    insert: {
      value: async (table: string, rows: Record<string, unknown> | Array<Record<string, unknown>>) => {
        const list = (Array.isArray(rows) ? rows : [rows]).map((row) => ({ ...row, tenant_id: tenantId }));
        return trx(table).insert(list).returning('*');
      },
    },
  });
  return db;
}

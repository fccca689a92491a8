import type { Knex } from 'knex';
import type { TenantDb } from '@mpanel/sdk';

/**
 * Lock 1 of tenancy for billing code: every query starts with `tenant_id = ?` and every insert
 * carries the tenant id (row-level security is lock 2 underneath). The SDK's `TenantDb`, which
 * billing builds itself because the billing run and gateway calls open their own
 * transactions (`ctx.db.transaction(tenantId, …)`), outside any request scope.
 */
export type BillingDb = TenantDb;

export function bindTenant(trx: Knex.Transaction, tenantId: string): BillingDb {
  const db = ((table: string) => {
    const alias = /\s+as\s+(\w+)\s*$/i.exec(table)?.[1] ?? table.trim();
    return trx(table).where(`${alias}.tenant_id`, tenantId);
  }) as BillingDb;
  Object.defineProperties(db, {
    tenantId: { value: tenantId, enumerable: true },
    trx: { value: trx, enumerable: true },
    insert: {
      value: async (table: string, rows: Record<string, unknown> | Array<Record<string, unknown>>) => {
        const list = (Array.isArray(rows) ? rows : [rows]).map((row) => ({ ...row, tenant_id: tenantId }));
        return list.length ? trx(table).insert(list).returning('*') : [];
      },
    },
  });
  return db;
}

/** bigint columns arrive as strings from pg; money fits a safe integer by the domain's checks. */
export function int(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${String(value)}`);
  return n;
}

/** date columns come back as Date (pg) or string; the API speaks `YYYY-MM-DD`. */
export function isoDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    // node-postgres parses a `date` as local midnight, PGlite as UTC midnight: read back accordingly
    if (value.getUTCHours() === 0 && value.getUTCMinutes() === 0) return value.toISOString().slice(0, 10);
    const y = value.getFullYear(), m = value.getMonth() + 1, d = value.getDate();
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return String(value).slice(0, 10);
}

export function isoTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export interface Page {
  page: number;
  perPage: number;
}

/** Runs a list query with the contract's pagination; `query` must not be ordered yet. */
export async function paginate<T>(query: Knex.QueryBuilder, page: Page, order: string[], map: (row: Record<string, unknown>) => T): Promise<{ data: T[]; total: number }> {
  const [counted] = (await query.clone().clearSelect().clearOrder().count({ count: '*' })) as Array<{ count: string | number }>;
  const rows = (await query.orderBy(order).limit(page.perPage).offset((page.page - 1) * page.perPage)) as Array<Record<string, unknown>>;
  return { data: rows.map(map), total: Number(counted?.count ?? 0) };
}

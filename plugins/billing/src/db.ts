import type { Knex } from 'knex';
import { createTenantDb, type TenantDb } from '@mpanel/sdk';

/**
 * Lock 1 of tenancy for billing code: the SDK's `TenantDb`, bound by billing itself because the
 * billing run and gateway calls open their own transactions (`ctx.db.transaction(tenantId, …)`),
 * outside any request scope.
 */
export type BillingDb = TenantDb;

export const bindTenant: (trx: Knex.Transaction, tenantId: string) => BillingDb = createTenantDb;

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

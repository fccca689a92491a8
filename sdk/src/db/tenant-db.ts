import type { Knex } from 'knex';

/**
 * Lock 1 of tenancy: a query helper bound to one tenant (and one transaction). Route, job and
 * plugin code uses it instead of writing `where tenant_id = ...` by hand; row-level security is the
 * second lock underneath. In a request it is `ctx.scope.resolve<TenantDb>('tenantDb')`.
 *
 * ```ts
 * const rows = await db('invoices').where({ status: 'unpaid' });       // this tenant's rows only
 * const [row] = await db.insert('invoices', { number: 'INV-1' });      // tenant_id set for you
 * await db('invoices').where({ id }).update({ status: 'paid' });       // cannot reach other tenants
 * ```
 */
export interface TenantDb {
  /** A query builder on `table` (optionally `table as alias`) already filtered to the tenant. */
  (table: string): Knex.QueryBuilder;
  /** Inserts with `tenant_id` set (any given `tenant_id` is overwritten); returns the new rows. */
  insert<T = Record<string, unknown>>(table: string, rows: Record<string, unknown> | Array<Record<string, unknown>>): Promise<T[]>;
  /** The tenant this helper is bound to. */
  readonly tenantId: string;
  /** The transaction underneath (tenant context and app role already set) for raw SQL. */
  readonly trx: Knex.Transaction;
}

/**
 * Binds a `TenantDb` to one tenant and transaction. Core builds the request's `tenantDb` with it;
 * plugin code that opens its own transactions (batch runs, gateway calls) uses it too.
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
        return list.length ? trx(table).insert(list).returning('*') : [];
      },
    },
  });
  return db;
}

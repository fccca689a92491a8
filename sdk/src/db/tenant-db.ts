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

import type { Knex } from 'knex';
import type { PluginContext } from '@mpanel/sdk';

/**
 * The current request's or handler's transaction when it is this tenant's, else a new one. Not a
 * second transaction inside a request: embedded PGlite has a single session, where a "separate"
 * transaction would be the request's own.
 */
export function inTenant<R>(ctx: PluginContext, tenantId: string, fn: (trx: Knex.Transaction) => Promise<R>): Promise<R> {
  const scope = ctx.scope();
  if (scope?.trx && scope.tenantId === tenantId) return fn(scope.trx);
  return ctx.db.transaction(tenantId, fn);
}

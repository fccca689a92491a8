import { ConflictError, createTenantDb, type TenantDb } from '@mpanel/sdk';

/**
 * Runs `fn` in a savepoint and turns a unique or foreign-key violation into a 409 with `message`:
 * the request's transaction stays usable and nothing of `fn` is kept.
 */
export async function orConflict<T>(db: TenantDb, message: string, fn: (db: TenantDb) => PromiseLike<T>, details?: Record<string, string>): Promise<T> {
  try {
    return await db.trx.transaction(async (sp) => await fn(createTenantDb(sp, db.tenantId)));
  } catch (err) {
    if (['23505', '23503'].includes((err as { code?: string }).code ?? '')) throw new ConflictError(message, details);
    throw err;
  }
}

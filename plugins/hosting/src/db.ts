import { ConflictError, createTenantDb, type TenantDb } from '@mpanel/sdk';

/**
 * Runs `fn` in a savepoint and turns a unique or foreign-key violation into a 409 with `message`:
 * the request's transaction stays usable and nothing of `fn` is kept.
 */
export async function orConflict<T>(db: TenantDb, message: string, fn: (db: TenantDb) => PromiseLike<T>, details?: Record<string, string>): Promise<T> {
  try {
    return await db.trx.transaction(async (sp) => await fn(createTenantDb(sp, db.tenantId)));
  } catch (err) {
    // Objection wraps driver errors (UniqueViolationError...): the SQLSTATE is on `nativeError`.
    const e = err as { code?: string; nativeError?: { code?: string } };
    if (['23505', '23503'].includes(e.code ?? e.nativeError?.code ?? '')) throw new ConflictError(message, details);
    throw err;
  }
}

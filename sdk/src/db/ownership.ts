import { NotFoundError, ValidationError } from '../errors.ts';
import { SYSTEM_ROLES, type Principal } from '../principal.ts';

/**
 * Object-level rule for portal users: a principal whose most powerful role is `client` (or that is
 * bound to a client account) sees only records of its own client account. Staff are not limited.
 */
export function isClientScoped(principal: Principal | undefined): boolean {
  if (!principal || principal.kind === 'system') return false;
  return principal.clientId !== null || principal.level >= SYSTEM_ROLES.client;
}

/**
 * Narrows a knex query to the caller's client account when the caller is client-scoped. A client
 * user without a client account sees nothing. `column` is the row's client id column.
 */
export function scopeToClient<Q extends { where(...args: unknown[]): Q; whereRaw(sql: string): Q }>(
  query: Q,
  principal: Principal | undefined,
  column = 'client_id',
): Q {
  if (!isClientScoped(principal)) return query;
  return principal!.clientId ? query.where(column, principal!.clientId) : query.whereRaw('false');
}

/** Throws 404 when a client-scoped caller asks for a record of another client account. */
export function assertClientOwns(principal: Principal | undefined, clientId: string | null | undefined): void {
  if (isClientScoped(principal) && (!principal!.clientId || principal!.clientId !== clientId)) throw new NotFoundError();
}

/**
 * The client account a route acts on, the one ownership rule for plugin routes: a client-scoped
 * caller acts on its own account (naming another one, or having none, is a 404); staff must name
 * the client (`requested`), a 400 otherwise.
 */
export function actingClientId(principal: Principal | undefined, requested: string | null | undefined): string {
  if (isClientScoped(principal)) {
    assertClientOwns(principal, requested ?? principal!.clientId);
    return principal!.clientId!;
  }
  if (!requested) throw new ValidationError({ clientId: 'is required' });
  return requested;
}

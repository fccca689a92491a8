import type { Knex } from 'knex';
import { HttpError, type ErrorDetails } from './errors.ts';
import type { Principal } from './principal.ts';

/** Where a hook runs: the caller's transaction and tenant. */
export interface HookContext {
  name: string;
  tenantId: string | null;
  principal: Principal | null;
  trx: Knex.Transaction | null;
}

/**
 * A filter: return a changed payload (or nothing to keep it), or throw an `HttpError` to veto —
 * e.g. `throw new VetoError('Orders are closed on Sundays')` — which answers the request with
 * that 4xx and rolls its transaction back.
 */
export type HookHandler<T> = (payload: T, ctx: HookContext) => T | void | Promise<T | void>;

export interface HookOptions {
  /** Lower runs first; default 100. */
  priority?: number;
}

export interface RunHookOptions {
  tenantId?: string | null;
  trx?: Knex.Transaction;
}

/** A hook's veto: 422 unless another status is given. Any `HttpError` works as a veto too. */
export class VetoError extends HttpError {
  constructor(message: string, details?: ErrorDetails, status = 422) {
    super(status, message, details);
  }
}

export interface PluginHooks {
  /** Adds a filter to `<entity>.before<Action>` (e.g. `order.beforeCreate`). Register phase only. */
  on<T>(name: string, handler: HookHandler<T>, options?: HookOptions): void;
  /**
   * Runs every enabled filter of `name` in priority order inside the current transaction and
   * returns the final payload; throws the veto of the first filter that refuses.
   */
  run<T>(name: string, payload: T, options?: RunHookOptions): Promise<T>;
}

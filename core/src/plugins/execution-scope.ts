import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import type { Principal } from '@mpanel/sdk';

/**
 * Where code runs — a request, a job, an event handler — so plugin calls made deep inside a
 * handler (`ctx.events.emit`, `ctx.hooks.run`, `ctx.db.current()`) find the right transaction and
 * tenant without threading them through every function.
 */
export interface Execution {
  tenantId: string | null;
  principal: Principal | null;
  /** The transaction, once opened (requests open it after the guards run). */
  trx(): Knex.Transaction | null;
  /** Runs after the transaction commits; never if it rolls back. */
  afterCommit(cb: () => void | Promise<void>): void;
}

const storage = new AsyncLocalStorage<Execution>();

export function currentExecution(): Execution | undefined {
  return storage.getStore();
}

export function runInExecution<T>(execution: Execution, fn: () => T): T {
  return storage.run(execution, fn);
}

/** Background loops woken from a request must not inherit its (soon finished) transaction. */
export function outsideExecution<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The current transaction if there is one, else the root connection. */
export function dbFor(knex: Knex, explicit?: Knex.Transaction): Knex {
  return explicit ?? currentExecution()?.trx() ?? knex;
}

/** An execution for a job or event handler: explicit tenant, system principal, its own transaction. */
export function systemExecution(tenantId: string | null, trx: Knex.Transaction | null, afterCommit: Array<() => void | Promise<void>>): Execution {
  return {
    tenantId,
    principal: tenantId ? systemPrincipal(tenantId) : null,
    trx: () => trx,
    afterCommit: (cb) => void afterCommit.push(cb),
  };
}

export function systemPrincipal(tenantId: string): Principal {
  return { kind: 'system', id: 'system', tenantId, userId: null, email: null, roles: [], level: 0, permissions: new Set(), clientId: null };
}

import type { HookContext, HookHandler, RunHookOptions } from '@mpanel/sdk';
import { currentExecution } from '../plugins/execution-scope.ts';

/** Answers whether a plugin is enabled for a tenant (the plugin manager's per-tenant state). */
export type EnabledCheck = (owner: string, tenantId: string | null) => Promise<boolean>;

interface Filter {
  owner: string;
  priority: number;
  seq: number;
  handler: HookHandler<unknown>;
}

/**
 * Synchronous filters (`order.beforeCreate`) run inside the caller's transaction, in priority
 * order (then registration order). A filter may return a changed payload; throwing vetoes — an
 * `HttpError` becomes the 4xx of the request and its transaction rolls back, so nothing changes.
 */
export class HookBus {
  private readonly filters = new Map<string, Filter[]>();
  private seq = 0;

  constructor(private readonly isEnabled: EnabledCheck) {}

  on<T>(owner: string, name: string, handler: HookHandler<T>, priority = 100): void {
    const list = this.filters.get(name) ?? [];
    list.push({ owner, priority, seq: this.seq++, handler: handler as HookHandler<unknown> });
    list.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    this.filters.set(name, list);
  }

  removeOwner(owner: string): void {
    for (const [name, list] of this.filters) this.filters.set(name, list.filter((f) => f.owner !== owner));
  }

  async run<T>(name: string, payload: T, options: RunHookOptions = {}): Promise<T> {
    const exec = currentExecution();
    const tenantId = options.tenantId !== undefined ? options.tenantId : (exec?.tenantId ?? null);
    const ctx: HookContext = { name, tenantId, principal: exec?.principal ?? null, trx: options.trx ?? exec?.trx() ?? null };
    let current = payload;
    for (const filter of this.filters.get(name) ?? []) {
      if (!(await this.isEnabled(filter.owner, tenantId))) continue;
      const next = await filter.handler(current, ctx);
      if (next !== undefined) current = next as T;
    }
    return current;
  }
}

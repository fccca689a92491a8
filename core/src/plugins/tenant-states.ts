import type { Knex } from 'knex';
import { dbFor } from './execution-scope.ts';

const TTL_MS = 2000;

/**
 * Which plugins are disabled for which tenant (enabled unless a row says otherwise). Read on every
 * plugin route, hook and event delivery, so kept in a short cache; a change made here is seen at
 * once on this instance and within TTL_MS on the others.
 */
export class TenantPluginStates {
  private cache = new Map<string, { at: number; disabled: Set<string> }>();

  constructor(private readonly knex: Knex) {}

  async disabledFor(tenantId: string, trx?: Knex.Transaction): Promise<Set<string>> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.disabled;
    const rows = (await dbFor(this.knex, trx)('plugin_tenant_states').where({ tenant_id: tenantId, enabled: false }).select('plugin_id')) as Array<{ plugin_id: string }>;
    const disabled = new Set(rows.map((r) => r.plugin_id));
    this.cache.set(tenantId, { at: Date.now(), disabled });
    return disabled;
  }

  /** Pass `trx` when a transaction is open outside an execution (PGlite has one connection). */
  async isEnabled(pluginId: string, tenantId: string | null, trx?: Knex.Transaction): Promise<boolean> {
    if (!tenantId) return true;
    return !(await this.disabledFor(tenantId, trx)).has(pluginId);
  }

  /** From the cache only (enabled when unknown): for synchronous callers such as extension lookups. */
  isEnabledCached(pluginId: string, tenantId: string | null): boolean {
    return !tenantId || !this.cache.get(tenantId)?.disabled.has(pluginId);
  }

  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  async set(tenantId: string, pluginId: string, enabled: boolean, trx?: Knex.Transaction): Promise<void> {
    await dbFor(this.knex, trx)('plugin_tenant_states')
      .insert({ tenant_id: tenantId, plugin_id: pluginId, enabled, updated_at: new Date() })
      .onConflict(['tenant_id', 'plugin_id'])
      .merge(['enabled', 'updated_at']);
    this.cache.delete(tenantId);
  }
}

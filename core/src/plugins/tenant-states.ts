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

  constructor(private readonly knex: Knex, private readonly ttlMs = TTL_MS) {}

  /**
   * Loads the tenant's entry unless it is younger than half the TTL: an execution that calls this
   * at its start can rely on `isEnabledCached` for at least ttl/2 afterwards (an entry reused at
   * the very end of its TTL used to expire a moment later, and the execution's extension lookups
   * then failed closed: the dns plugin's publish saw "No DNS provider is installed").
   */
  async disabledFor(tenantId: string, trx?: Knex.Transaction): Promise<Set<string>> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < this.ttlMs / 2) return hit.disabled;
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

  /**
   * From the cache only, for synchronous callers such as extension lookups. Fail closed: a tenant
   * whose entry is missing (a restart) or expired counts as having the plugin disabled, so a job
   * never uses a gateway the tenant turned off. Executions load the entry first (`disabledFor`).
   */
  isEnabledCached(pluginId: string, tenantId: string | null): boolean {
    if (!tenantId) return true;
    const disabled = this.fresh(tenantId);
    return disabled !== undefined && !disabled.has(pluginId);
  }

  private fresh(tenantId: string): Set<string> | undefined {
    const hit = this.cache.get(tenantId);
    return hit && Date.now() - hit.at < this.ttlMs ? hit.disabled : undefined;
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

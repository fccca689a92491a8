import type { Knex } from 'knex';
import { Gauge, type Registry } from 'prom-client';
import type { PluginStatusSource } from '../../container.ts';

/** tarn's pool, as knex exposes it. */
interface PoolLike {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

const poolOf = (knex: Knex): PoolLike | undefined => (knex.client as { pool?: PoolLike }).pool;

/**
 * This instance's database pools (owner and app role; one on PGlite) and its plugin states.
 * Read from memory at scrape: no query.
 */
export function registerPlatformGauges(registry: Registry, pools: { owner: Knex; app: Knex }, plugins: PluginStatusSource): void {
  const registers = [registry];
  new Gauge({
    name: 'mpanel_db_pool_connections', help: 'Database pool connections by pool (owner, app) and state (used, free, pending acquires, max)', labelNames: ['pool', 'state'], registers,
    collect() {
      this.reset();
      const seen = new Set<PoolLike>();
      for (const [name, knex] of Object.entries(pools)) {
        const pool = poolOf(knex);
        // PGlite: the app role shares the owner's single connection; report it once.
        if (!pool || seen.has(pool)) continue;
        seen.add(pool);
        this.set({ pool: name, state: 'used' }, pool.numUsed());
        this.set({ pool: name, state: 'free' }, pool.numFree());
        this.set({ pool: name, state: 'pending' }, pool.numPendingAcquires());
        this.set({ pool: name, state: 'max' }, pool.max);
      }
    },
  });
  new Gauge({
    name: 'mpanel_plugin_status', help: 'Plugins by state: 1 for the state each installed plugin is in (active, failed, skipped, disabled)', labelNames: ['plugin', 'status'], registers,
    collect() {
      this.reset();
      for (const p of plugins.list()) this.set({ plugin: p.id, status: p.status }, 1);
    },
  });
}

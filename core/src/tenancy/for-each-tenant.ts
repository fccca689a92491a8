import type { PluginDb, TenantVisit } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { dbFor, runInExecution, systemExecution } from '../plugins/execution-scope.ts';

type Cradle = Pick<RootContainer['cradle'], 'knex' | 'pluginTenantStates'>;

/**
 * The one way plugin code crosses tenants (`ctx.forEachTenant`): the list of tenants is the
 * platform's (owner) read, and each tenant's work runs as an execution of that tenant, so
 * whatever it touches goes through a tenant transaction under row-level security. Tenants where
 * the plugin is disabled are not visited.
 */
export async function forEachTenant(
  cradle: Cradle,
  pluginId: string,
  transaction: PluginDb['transaction'],
  fn: (tenant: TenantVisit) => Promise<void>,
  options: { slug?: string } = {},
): Promise<number> {
  const q = dbFor(cradle.knex)('tenants').where('status', 'active').orderBy('slug').select('id', 'slug');
  if (options.slug !== undefined) q.where('slug', options.slug);
  const active = (await q) as Array<{ id: string; slug: string }>;
  const tenants: typeof active = [];
  for (const t of active) if (await cradle.pluginTenantStates.isEnabled(pluginId, t.id)) tenants.push(t);
  for (const [index, t] of tenants.entries()) {
    const afterCommit: Array<() => void | Promise<void>> = [];
    const visit: TenantVisit = { id: t.id, slug: t.slug, index, total: tenants.length, transaction: (work) => transaction(t.id, work) };
    await runInExecution(systemExecution(t.id, null, afterCommit), () => fn(visit));
    for (const cb of afterCommit) await cb();
  }
  return tenants.length;
}

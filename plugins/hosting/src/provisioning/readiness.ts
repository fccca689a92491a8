import type { PluginContext } from '@mpanel/sdk';
import { tenantDb } from './operation-store.ts';

/** An operation queued or running this long without progress is stuck (HOSTING.md §6.4: 15 min). */
export const STUCK_AFTER_MS = 15 * 60_000;
/** The probe visits every tenant: its answer is reused for this long. */
const CACHE_MS = 30_000;

export interface StuckCounts { stuck: number; needsAttention: number }

/** Operations stuck past the threshold and waiting for a person, over every tenant where hosting is enabled. */
export async function countStuck(plugin: PluginContext, now = Date.now()): Promise<StuckCounts> {
  const counts: StuckCounts = { stuck: 0, needsAttention: 0 };
  const before = new Date(now - STUCK_AFTER_MS);
  await plugin.forEachTenant(async (tenant) => {
    const [row] = (await tenant.transaction((trx) => tenantDb(trx, tenant.id)('provisioning_operations').whereIn('status', ['queued', 'running', 'needs_attention'])
      .select(trx.raw(`count(*) filter (where status in ('queued','running') and updated_at < ?) as stuck`, [before]), trx.raw(`count(*) filter (where status = 'needs_attention') as attention`)))) as Array<{ stuck: string; attention: string }>;
    counts.stuck += Number(row?.stuck ?? 0);
    counts.needsAttention += Number(row?.attention ?? 0);
  });
  return counts;
}

/**
 * `hosting:provisioning` in `GET /api/health/ready`: reported as a warning (the instance still takes
 * traffic: taking it out would not unstick a server), in numbers only (the probe is public).
 */
export function registerReadiness(plugin: PluginContext): void {
  let cached: { at: number; value: StuckCounts } | undefined;
  let refreshing: Promise<void> | null = null;
  const refresh = () => (refreshing ??= countStuck(plugin)
    .then((value) => void (cached = { at: Date.now(), value }))
    .catch((err: unknown) => plugin.logger.warn({ err }, 'counting stuck provisioning operations failed'))
    .finally(() => (refreshing = null)));
  plugin.readiness.check('provisioning', async () => {
    // The first probe waits (briefly) for the count; later ones answer from the last count and
    // refresh it behind, so many tenants never make the probe miss its budget.
    if (!cached) await Promise.race([refresh(), new Promise((r) => setTimeout(r, 1500))]);
    else if (Date.now() - cached.at > CACHE_MS) void refresh();
    if (!cached) return undefined;
    const { stuck, needsAttention } = cached.value;
    if (!stuck && !needsAttention) return undefined;
    const parts = [stuck ? `${stuck} provisioning operation${stuck === 1 ? '' : 's'} stuck for over ${STUCK_AFTER_MS / 60_000} min` : '', needsAttention ? `${needsAttention} need${needsAttention === 1 ? 's' : ''} attention` : ''];
    return { warn: parts.filter(Boolean).join('; ') };
  });
}

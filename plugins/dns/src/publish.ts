import { DnsProviderError, FinalError, createTenantDb, extensionPoints, step, type DnsProvider, type DnsRecordType, type PluginContext } from '@mpanel/sdk';
import type { ZoneRow } from './store.ts';
import type { Knex } from 'knex';

export const PUBLISH_WORKFLOW = 'publish-zone';
export const SWEEP_JOB = 'dns.publish-sweep';

export interface DnsSettings {
  /** The DnsProvider extension key zones are published to (default: the only one provided). */
  provider?: string;
  /** Zones a client account may create itself (staff are not limited). */
  maxZonesPerClient?: number;
  /** Record sets in one zone. */
  maxRecordSetsPerZone?: number;
}

export const LIMIT_DEFAULTS = { maxZonesPerClient: 50, maxRecordSetsPerZone: 2000 } as const;

/** The tenant's limits over the defaults. */
export async function limitsOf(plugin: PluginContext, tenantId: string): Promise<{ maxZonesPerClient: number; maxRecordSetsPerZone: number }> {
  const s = (await plugin.settings.get(tenantId).catch(() => ({}))) as DnsSettings;
  return { maxZonesPerClient: s.maxZonesPerClient ?? LIMIT_DEFAULTS.maxZonesPerClient, maxRecordSetsPerZone: s.maxRecordSetsPerZone ?? LIMIT_DEFAULTS.maxRecordSetsPerZone };
}

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    provider: { type: 'string', minLength: 1, maxLength: 100, description: 'DNS provider (extension key) zones are published to; empty: the only one installed' },
    maxZonesPerClient: { type: 'integer', minimum: 0, maximum: 100_000, default: 50, description: 'Zones a client may create itself' },
    maxRecordSetsPerZone: { type: 'integer', minimum: 1, maximum: 100_000, default: 2000, description: 'Record sets in one zone' },
  },
} as const;

/** No provider to publish to: nothing to retry until staff install or choose one. */
export class NoProviderError extends FinalError {}

/** The tenant's provider; call inside a transaction of the tenant (extensions are per tenant). */
export async function resolveProvider(plugin: PluginContext, tenantId: string): Promise<{ key: string; provider: DnsProvider }> {
  const settings = (await plugin.settings.get(tenantId).catch(() => ({}))) as DnsSettings;
  const all = plugin.extensions.list(extensionPoints.dns);
  if (settings.provider) {
    const chosen = all.find((e) => e.key === settings.provider);
    if (!chosen) throw new NoProviderError(`The DNS provider "${settings.provider}" chosen in the DNS settings is not installed or not enabled`);
    return { key: chosen.key, provider: chosen.impl };
  }
  if (all.length === 1) return { key: all[0]!.key, provider: all[0]!.impl };
  if (!all.length) throw new NoProviderError('No DNS provider is installed: changes stay queued until one is');
  throw new NoProviderError(`Several DNS providers are installed (${all.map((e) => e.key).join(', ')}): choose one in the DNS settings`);
}

// One publish of a zone at a time in this process (the workflow runs of a zone already take turns;
// publishNow joins the same line), so an older snapshot is never written after a newer one.
const lines = new Map<string, Promise<unknown>>();
function inLine<T>(zoneId: string, fn: () => Promise<T>): Promise<T> {
  const previous = lines.get(zoneId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  lines.set(zoneId, next);
  void next.catch(() => undefined).finally(() => {
    if (lines.get(zoneId) === next) lines.delete(zoneId);
  });
  return next;
}

const fqdn = (name: string) => `${name}.`;

type ZoneState = ZoneRow['publish_state'];
type FailedRecord = { name: string; type: DnsRecordType } | null;

async function writeState(trx: Knex.Transaction, tenantId: string, zoneId: string, state: ZoneState, error: string | null, record: FailedRecord): Promise<void> {
  const db = createTenantDb(trx, tenantId);
  // Unchanged state is not rewritten (a retry loop must not churn the row).
  const q = db('dns_zones').where({ id: zoneId }).where((w) => w.whereNot('publish_state', state).orWhereRaw('last_error IS DISTINCT FROM ?', [error]));
  await q.update({
    publish_state: state, last_error: error, last_error_record: record ? JSON.stringify(record) : null,
    ...(state === 'published' ? { published_at: trx.fn.now() } : {}), updated_at: trx.fn.now(),
  });
}

const recordState = (plugin: PluginContext, tenantId: string, zoneId: string, state: ZoneState, error: string | null, record: FailedRecord): Promise<void> =>
  plugin.db.transaction(tenantId, (trx) => writeState(trx, tenantId, zoneId, state, error, record));

/**
 * Marks the zone published when nothing is queued. The zone row is locked first: a change being
 * committed meanwhile (markPending inserts, then sets 'pending' on this row) is either seen by the
 * check or sets 'pending' after this commit, so 'published' never hides a queued change.
 */
const recordPublishedIfDrained = (plugin: PluginContext, tenantId: string, zoneId: string): Promise<void> =>
  plugin.db.transaction(tenantId, async (trx) => {
    const db = createTenantDb(trx, tenantId);
    await db('dns_zones').where({ id: zoneId }).forUpdate().first('id');
    if (!(await db('dns_pending_changes').where({ zone_id: zoneId }).first('id'))) await writeState(trx, tenantId, zoneId, 'published', null, null);
  });

/**
 * Publishes what is queued for the zone: each changed record set is replaced whole at the provider
 * from the database as it is now (or deleted when it is gone), then its queue entry is cleared if
 * nobody changed it meanwhile. Idempotent: running it twice sends the same state twice, at most.
 * Throws the provider's error (UNAVAILABLE: retried by the workflow; INVALID: shown on the zone).
 */
export function publishZone(plugin: PluginContext, tenantId: string, zoneId: string): Promise<{ published: number }> {
  const metrics = publishMetrics(plugin);
  return inLine(zoneId, async () => {
    const snapshot = await plugin.db.transaction(tenantId, async (trx) => {
      const db = createTenantDb(trx, tenantId);
      const zone = (await db('dns_zones').where({ id: zoneId }).first()) as ZoneRow | undefined;
      if (!zone) return null;
      const pending = (await db('dns_pending_changes').where({ zone_id: zoneId }).orderBy('created_at').select('name', 'type', 'rev')) as Array<{ name: string; type: DnsRecordType; rev: string }>;
      let provider: DnsProvider | null = null;
      let error: Error | null = null;
      try {
        provider = (await resolveProvider(plugin, tenantId)).provider;
      } catch (err) {
        error = err as Error;
      }
      return { zone, pending, provider, error };
    });
    if (!snapshot) return { published: 0 };
    const { zone, pending } = snapshot;
    if (!snapshot.provider) {
      await recordState(plugin, tenantId, zoneId, 'pending', snapshot.error!.message, null);
      throw snapshot.error!;
    }
    const provider = snapshot.provider;
    const call = { tenantId, settings: {} };
    let current: { name: string; type: DnsRecordType } | null = null;
    let published = 0;
    try {
      if (zone.deleted_at) {
        if (zone.provider_created) await provider.deleteZone(call, fqdn(zone.name));
        await plugin.db.transaction(tenantId, async (trx) => createTenantDb(trx, tenantId)('dns_zones').where({ id: zoneId }).delete());
        return { published: 1 };
      }
      if (!zone.provider_created) {
        await provider.createZone(call, fqdn(zone.name), zone.nameservers.map(fqdn));
        await plugin.db.transaction(tenantId, async (trx) => createTenantDb(trx, tenantId)('dns_zones').where({ id: zoneId }).update({ provider_created: true }));
      }
      // A set the provider refuses stays queued (and is reported); the others are still published.
      let refused: unknown = null;
      for (const change of pending) {
        current = { name: fqdn(change.name), type: change.type };
        const set = await plugin.db.transaction(tenantId, async (trx) => createTenantDb(trx, tenantId)('dns_record_sets').where({ zone_id: zoneId, name: change.name, type: change.type }).first()) as { ttl: number; values: string[] } | undefined;
        try {
          if (set) await provider.upsertRecordSet(call, fqdn(zone.name), { name: fqdn(change.name), type: change.type, ttl: set.ttl, values: set.values });
          else await provider.deleteRecordSet(call, fqdn(zone.name), fqdn(change.name), change.type);
        } catch (err) {
          if ((err as { name?: string; code?: string }).name === 'DnsProviderError' && (err as DnsProviderError).code === 'INVALID') {
            if (!refused) refused = Object.assign(err as DnsProviderError, { record: (err as DnsProviderError).record ?? current });
            continue;
          }
          throw err;
        }
        published++;
        metrics.sets.inc({ op: set ? 'upsert' : 'delete' });
        await plugin.db.transaction(tenantId, async (trx) => createTenantDb(trx, tenantId)('dns_pending_changes').where({ zone_id: zoneId, name: change.name, type: change.type, rev: change.rev }).delete());
      }
      if (refused) throw refused;
    } catch (err) {
      const e = err as Error;
      const providerError = err instanceof DnsProviderError || (err as { name?: string }).name === 'DnsProviderError' ? (err as DnsProviderError) : null;
      const record = providerError?.record ?? (providerError?.code === 'INVALID' ? current : null);
      const retryable = providerError ? providerError.retryable : true;
      metrics.failures.inc({ code: providerError?.code ?? 'OTHER' });
      await recordState(plugin, tenantId, zoneId, retryable ? 'pending' : 'failed', e.message, record);
      throw err;
    }
    await recordPublishedIfDrained(plugin, tenantId, zoneId);
    return { published };
  });
}

/** Prometheus counters: record sets sent to the provider, and publishes that failed (by provider error code). */
function publishMetrics(plugin: PluginContext) {
  return {
    sets: plugin.metrics.counter({ name: 'record_sets_published_total', help: 'Record sets replaced or deleted at the DNS provider', labelNames: ['op'] }),
    failures: plugin.metrics.counter({ name: 'publish_failures_total', help: 'Zone publishes that failed, by the provider error code', labelNames: ['code'] }),
  };
}

/** Queues a publication of the zone (in the caller's transaction when there is one): a newer one supersedes a waiting one. */
export async function queuePublish(plugin: PluginContext, tenantId: string, zoneId: string): Promise<void> {
  await plugin.workflows.start(PUBLISH_WORKFLOW, { zoneId }, { subject: `dns-zone:${zoneId}`, supersede: true, tenantId });
}

/**
 * The publish workflow (retried while the provider is down: 1 s doubling to 5 min, for about a
 * day, then a person is asked), and a sweep every 10 minutes that queues zones still waiting
 * (a change written in a transaction that started no run, a provider installed later).
 */
export function definePublishing(plugin: PluginContext): void {
  publishMetrics(plugin);
  plugin.workflows.define<{ zoneId: string }>({
    name: PUBLISH_WORKFLOW,
    onExhausted: 'needs_attention',
    attentionPermission: 'dns.records.protected', // staff only: clients hold dns.zones.write
    retry: { attempts: 300, backoffMs: 1000, maxBackoffMs: 300_000 },
    steps: [step('publish', { timeoutMs: 120_000, run: (s) => publishZone(plugin, s.tenantId, s.input.zoneId) })],
  });
  plugin.jobs.define(SWEEP_JOB, async () => {
    await plugin.forEachTenant(async (tenant) => {
      const waiting = (await tenant.transaction(async (trx) => createTenantDb(trx, tenant.id)('dns_zones').where('publish_state', 'pending')
        .where((w) => w.whereNotNull('deleted_at').orWhereExists((e) => e.select(trx.raw('1')).from('dns_pending_changes as p').whereRaw('p.zone_id = dns_zones.id')).orWhere('provider_created', false))
        .where('updated_at', '<', new Date(Date.now() - 5 * 60_000)).limit(500).pluck('id'))) as string[];
      for (const id of waiting) await queuePublish(plugin, tenant.id, id);
    });
  }, { attempts: 3 });
  plugin.jobs.schedule(SWEEP_JOB, '*/10 * * * *', { tenantId: null });
}

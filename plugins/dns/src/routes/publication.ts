import { HttpError, ValidationError, ok, type DnsProviderError, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { NoProviderError, publishZone, resolveProvider } from '../publish.ts';
import { relativeName } from '../records.ts';
import { ZoneStore, actorOf, type ZoneRow } from '../store.ts';
import { idParams, tags, visibleZone, zoneJson } from './common.ts';

type Ctx<B = Record<string, unknown>> = RouteContext<{ id: string }, Record<string, unknown>, B>;

/** A provider's refusal as the contract's error: INVALID → 400 naming the record, down → 503. */
export function providerHttpError(err: unknown, zone: string): never {
  if (err instanceof NoProviderError) throw new HttpError(503, err.message);
  const e = err as DnsProviderError;
  if (e?.name === 'DnsProviderError') {
    if (e.code === 'INVALID') {
      const record = e.record ? `${relativeName(e.record.name.replace(/\.$/, ''), zone)} ${e.record.type}` : 'zone';
      throw new ValidationError({ values: e.message, record }, `The DNS provider refused ${record}: ${e.message}`);
    }
    if (e.code === 'UNAVAILABLE') throw new HttpError(503, `The DNS provider is unavailable; the change stays queued: ${e.message}`);
    if (e.code === 'CONFLICT') throw new HttpError(409, e.message);
    throw new HttpError(502, `The DNS provider answered: ${e.message}`);
  }
  throw err;
}

/** Publish now and DNSSEC: provider calls, so they run outside the request transaction. */
export function publicationRoutes(plugin: PluginContext): RouteDefinition[] {
  const load = (c: Ctx) => plugin.db.transaction(c.tenant!.id, (trx) => visibleZone(new ZoneStore(trx, c.tenant!.id), c.principal, c.params.id));
  const reload = (c: Ctx, id: string) => plugin.db.transaction(c.tenant!.id, async (trx) => (await new ZoneStore(trx, c.tenant!.id).zone(id))!);
  const provider = (c: Ctx) => plugin.db.transaction(c.tenant!.id, () => resolveProvider(plugin, c.tenant!.id)).catch((err) => providerHttpError(err, ''));
  async function ensurePublished(c: Ctx, zone: ZoneRow): Promise<void> {
    try {
      await publishZone(plugin, c.tenant!.id, zone.id);
    } catch (err) {
      providerHttpError(err, zone.name);
    }
  }
  async function saveDnssec(c: Ctx, zone: ZoneRow, enabled: boolean, ds: string[], action?: string): Promise<ZoneRow> {
    return plugin.db.transaction(c.tenant!.id, async (trx) => {
      const store = new ZoneStore(trx, c.tenant!.id);
      await store.db('dns_zones').where({ id: zone.id }).update({ dnssec_enabled: enabled, dnssec_ds: JSON.stringify(ds), updated_at: trx.fn.now() });
      if (action) await store.history(zone, actorOf(c.principal), action, { after: { ds } });
      return (await store.zone(zone.id))!;
    });
  }
  return [
    {
      method: 'POST', path: '/api/v1/dns/zones/:id/publish', permission: 'dns.records.write', tags, transaction: false, schema: { params: idParams },
      summary: 'Publish the zone\'s queued changes now; a record the provider refuses answers 400 naming it',
      handler: async (c: Ctx) => {
        const zone = await load(c);
        await ensurePublished(c, zone);
        return ok(zoneJson(await reload(c, zone.id)));
      },
    },
    {
      method: 'GET', path: '/api/v1/dns/zones/:id/dnssec', permission: 'dns.zones.read', tags, transaction: false, schema: { params: idParams },
      summary: 'DNSSEC state and the DS records to give the registrar',
      handler: async (c: Ctx) => {
        let zone = await load(c);
        const chosen = await plugin.db.transaction(c.tenant!.id, () => resolveProvider(plugin, c.tenant!.id)).catch(() => null);
        const supported = Boolean(chosen?.provider.dnssec);
        if (chosen?.provider.dnssec && zone.provider_created) {
          try {
            const status = await chosen.provider.dnssec.status({ tenantId: c.tenant!.id, settings: {} }, `${zone.name}.`);
            if (status.enabled !== zone.dnssec_enabled || JSON.stringify(status.ds) !== JSON.stringify(zone.dnssec_ds)) zone = await saveDnssec(c, zone, status.enabled, status.ds);
          } catch (err) {
            c.log.warn({ err, zone: zone.name }, 'DNSSEC status from the provider failed; showing the stored state');
          }
        }
        return ok({ zoneId: zone.id, supported, enabled: zone.dnssec_enabled, ds: zone.dnssec_ds });
      },
    },
    {
      method: 'PUT', path: '/api/v1/dns/zones/:id/dnssec', permission: 'dns.zones.write', tags, transaction: false,
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } } },
      summary: 'Sign the zone (DNSSEC) or stop signing it; answers the DS records for the registrar',
      handler: async (c: Ctx<{ enabled: boolean }>) => {
        let zone = await load(c);
        const { provider: p } = await provider(c);
        if (!p.dnssec) throw new ValidationError({ enabled: 'the DNS provider does not sign zones' });
        await ensurePublished(c, zone);
        const call = { tenantId: c.tenant!.id, settings: {} };
        try {
          if (c.body.enabled) {
            const status = await p.dnssec.enable(call, `${zone.name}.`);
            zone = await saveDnssec(c, zone, true, status.ds, 'dnssec.enabled');
          } else {
            await p.dnssec.disable(call, `${zone.name}.`);
            zone = await saveDnssec(c, zone, false, [], 'dnssec.disabled');
          }
        } catch (err) {
          providerHttpError(err, zone.name);
        }
        return ok({ zoneId: zone.id, supported: true, enabled: zone.dnssec_enabled, ds: zone.dnssec_ds });
      },
    },
  ];
}

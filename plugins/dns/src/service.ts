import { ConflictError, HttpError, NotFoundError, type DnsZones, type DnsZonesService, type PluginContext } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { LIMIT_DEFAULTS, publishZone, queuePublish } from './publish.ts';
import { ZoneStore, actorOf, type Actor } from './store.ts';

/** Who acts through the service: the current principal when there is one, else the calling code. */
function serviceActor(plugin: PluginContext): Actor {
  const p = plugin.scope()?.principal;
  return p && p.kind !== 'system' ? actorOf(p) : { userId: null, label: 'service' };
}

/** `dns.zones` for other plugins (hosting, ssl, mail): rows in the caller's transaction, publication queued. */
export function zonesService(plugin: PluginContext): DnsZonesService {
  return {
    forTenant(trx: Knex.Transaction, tenantId: string): DnsZones {
      const store = new ZoneStore(trx, tenantId);
      // No settings read here (the caller's transaction may be another plugin's): the default bound.
      store.maxRecordSets = LIMIT_DEFAULTS.maxRecordSetsPerZone;
      const zoneFor = async (name: string) => {
        const zone = await store.findZoneFor(name);
        if (!zone) throw new NotFoundError(`No DNS zone of this tenant holds ${name}`);
        return zone;
      };
      return {
        async findZoneFor(name) {
          const zone = await store.findZoneFor(name);
          return zone ? { id: zone.id, name: zone.name } : null;
        },
        async ensureZone(input) {
          const name = input.name.trim().toLowerCase().replace(/\.$/, '');
          const existing = await store.zoneByName(name);
          if (existing) return { id: existing.id, name: existing.name, created: false };
          const template = input.fromTemplate ? (await store.defaultTemplate()) ?? null : null;
          let zone;
          try {
            zone = await store.createZone({ name, clientId: input.clientId ?? null, owner: input.owner ?? null, template, variables: input.variables }, serviceActor(plugin));
          } catch (err) {
            // Another transaction of this tenant made it first (its insert held ours until it committed).
            const raced = err instanceof ConflictError ? await store.zoneByName(name) : undefined;
            if (raced) return { id: raced.id, name: raced.name, created: false };
            throw err;
          }
          await queuePublish(plugin, tenantId, zone.id);
          return { id: zone.id, name: zone.name, created: true };
        },
        async removeZonesOwnedBy(owner) {
          const zones = (await store.zones().where({ owner }).select('*')) as Awaited<ReturnType<typeof store.zone>>[];
          for (const zone of zones) {
            await store.deleteZone(zone!, serviceActor(plugin));
            await queuePublish(plugin, tenantId, zone!.id);
          }
          return zones.length;
        },
        async addValue(input) {
          const zone = await zoneFor(input.name);
          await store.addValue(zone, input, serviceActor(plugin));
          await queuePublish(plugin, tenantId, zone.id);
        },
        async removeValue(input) {
          const zone = await zoneFor(input.name);
          await store.removeValue(zone, input, serviceActor(plugin));
          await queuePublish(plugin, tenantId, zone.id);
        },
      };
    },
    async publishNow(tenantId, zoneName) {
      const name = zoneName.trim().toLowerCase().replace(/\.$/, '');
      const zone = await plugin.db.transaction(tenantId, async (trx) => new ZoneStore(trx, tenantId).findZoneFor(name));
      if (!zone) throw new HttpError(404, `No DNS zone of this tenant holds ${name}`);
      await publishZone(plugin, tenantId, zone.id);
    },
  };
}

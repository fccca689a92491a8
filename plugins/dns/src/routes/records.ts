import { NotFoundError, ValidationError, ok, type DnsRecordType, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { exportZoneFile, parseZoneFile } from '../bind.ts';
import { limitsOf, queuePublish } from '../publish.ts';
import { RecordError } from '../records.ts';
import { ZoneStore, actorOf, type RecordSetRow } from '../store.ts';
import { assertMayEditType, editableZone, idParams, mayEditType, recordFields, recordJson, recordParams, tags, visibleZone } from './common.ts';

type Ctx<B = Record<string, unknown>> = RouteContext<{ id: string; recordId: string }, Record<string, unknown>, B>;
interface RecordBody { name: string; type: DnsRecordType; ttl?: number; values: string[] }

async function recordOf(store: ZoneStore, zoneId: string, id: string): Promise<RecordSetRow> {
  const row = (await store.db('dns_record_sets').where({ zone_id: zoneId, id }).first()) as RecordSetRow | undefined;
  if (!row) throw new NotFoundError('Record set not found');
  return row;
}

export function recordRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    {
      method: 'GET', path: '/api/v1/dns/zones/:id/records', permission: 'dns.zones.read', tags, schema: { params: idParams }, summary: 'The zone\'s record sets',
      handler: async (c: Ctx) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        const zone = await visibleZone(store, c.principal, c.params.id);
        return ok((await store.recordSets(zone.id)).map((r) => recordJson(r, zone, c.principal)));
      },
    },
    {
      method: 'POST', path: '/api/v1/dns/zones/:id/records', permission: 'dns.records.write', tags, successStatus: 201,
      summary: 'Add a record set (name relative to the zone or absolute with a trailing dot); NS and PTR need dns.records.protected',
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, required: ['name', 'type', 'values'], properties: recordFields } },
      handler: async (c: Ctx<RecordBody>) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        store.maxRecordSets = (await limitsOf(plugin, c.tenant!.id)).maxRecordSetsPerZone;
        const zone = await editableZone(store, c.principal, c.params.id);
        assertMayEditType(c.principal, c.body.type);
        const row = await store.putRecordSet(zone, c.body, actorOf(c.principal), 'create');
        await queuePublish(plugin, c.tenant!.id, zone.id);
        return ok(recordJson(row, zone, c.principal));
      },
    },
    {
      method: 'PATCH', path: '/api/v1/dns/zones/:id/records/:recordId', permission: 'dns.records.write', tags, summary: 'Change a record set\'s TTL or values',
      schema: { params: recordParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { ttl: recordFields.ttl, values: recordFields.values } } },
      handler: async (c: Ctx<{ ttl?: number; values?: string[] }>) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        const zone = await editableZone(store, c.principal, c.params.id);
        const existing = await recordOf(store, zone.id, c.params.recordId);
        assertMayEditType(c.principal, existing.type);
        const row = await store.putRecordSet(zone, { name: `${existing.name}.`, type: existing.type, ttl: c.body.ttl ?? existing.ttl, values: c.body.values ?? existing.values }, actorOf(c.principal), 'replace');
        await queuePublish(plugin, c.tenant!.id, zone.id);
        return ok(recordJson(row, zone, c.principal));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/dns/zones/:id/records/:recordId', permission: 'dns.records.write', tags, schema: { params: recordParams }, summary: 'Delete a record set',
      handler: async (c: Ctx) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        const zone = await editableZone(store, c.principal, c.params.id);
        const existing = await recordOf(store, zone.id, c.params.recordId);
        assertMayEditType(c.principal, existing.type);
        await store.deleteRecordSet(zone, existing, actorOf(c.principal));
        await queuePublish(plugin, c.tenant!.id, zone.id);
        return ok({ id: existing.id, deleted: true });
      },
    },
    {
      method: 'POST', path: '/api/v1/dns/zones/:id/import', permission: 'dns.records.write', tags,
      summary: 'Import a BIND zone file: its record sets replace those of the same name and type (replace: true also removes the others); SOA is skipped, NS and PTR need dns.records.protected',
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, required: ['zoneFile'], properties: { zoneFile: { type: 'string', minLength: 1, maxLength: 512 * 1024 }, replace: { type: 'boolean' } } } },
      handler: async (c: Ctx<{ zoneFile: string; replace?: boolean }>) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        store.maxRecordSets = (await limitsOf(plugin, c.tenant!.id)).maxRecordSetsPerZone;
        const zone = await editableZone(store, c.principal, c.params.id);
        let sets;
        try {
          sets = parseZoneFile(c.body.zoneFile, zone.name);
        } catch (err) {
          if (err instanceof RecordError) throw new ValidationError({ [err.field]: err.message });
          throw err;
        }
        const skipped: string[] = [];
        const actor = actorOf(c.principal);
        const imported: string[] = [];
        for (const set of sets) {
          if (!mayEditType(c.principal, set.type)) {
            skipped.push(`${set.name} ${set.type}`);
            continue;
          }
          await store.putRecordSet(zone, { ...set, name: `${set.name}.` }, actor, 'upsert');
          imported.push(`${set.name} ${set.type}`);
        }
        let removed = 0;
        if (c.body.replace) {
          const keep = new Set(sets.map((s) => `${s.name} ${s.type}`));
          for (const row of await store.recordSets(zone.id)) {
            if (keep.has(`${row.name} ${row.type}`) || !mayEditType(c.principal, row.type)) continue;
            await store.deleteRecordSet(zone, row, actor);
            removed++;
          }
        }
        await store.history(zone, actor, 'zone.imported', { after: { imported: imported.length, removed, skipped } });
        await queuePublish(plugin, c.tenant!.id, zone.id);
        return ok({ imported: imported.length, removed, skipped });
      },
    },
    {
      method: 'GET', path: '/api/v1/dns/zones/:id/export', permission: 'dns.zones.read', tags, schema: { params: idParams }, summary: 'The zone as a BIND zone file (text/plain)',
      handler: async (c: Ctx) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        const zone = await visibleZone(store, c.principal, c.params.id);
        c.response.type = 'text/plain; charset=utf-8';
        c.response.headers['content-disposition'] = `attachment; filename="${zone.name}.zone"`;
        return exportZoneFile(zone.name, await store.recordSets(zone.id));
      },
    },
  ];
}

import {
  ConflictError, ValidationError, actingClientId, can, isClientScoped, list, ok, paginationQuery, scopeToClient,
  type PluginContext, type RouteContext, type RouteDefinition,
} from '@mpanel/sdk';
import { limitsOf, queuePublish } from '../publish.ts';
import { ZoneStore, actorOf, type TemplateRow, type ZoneRow } from '../store.ts';
import { idParams, tags, uuid, visibleZone, zoneJson } from './common.ts';

type Ctx<B = Record<string, unknown>, Q = Record<string, unknown>> = RouteContext<{ id: string }, Q, B>;

const hostname = { type: 'string', minLength: 3, maxLength: 253, pattern: '^[A-Za-z0-9._-]+$' } as const;

interface CreateBody {
  name: string;
  clientId?: string | null;
  templateId?: string | null;
  variables?: Record<string, string>;
  nameservers?: string[];
}

export function zoneRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    {
      method: 'GET', path: '/api/v1/dns/zones', permission: 'dns.zones.read', tags, summary: 'DNS zones (clients: those of their account)',
      schema: { query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery, search: { type: 'string', maxLength: 253 }, clientId: uuid, state: { enum: ['pending', 'published', 'failed'] } } } },
      handler: async (c: Ctx<unknown, { page: number; perPage: number; search?: string; clientId?: string; state?: string }>) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        const q = scopeToClient(store.zones(), c.principal ?? undefined, 'dns_zones.client_id');
        if (c.query.search) q.where('name', 'like', `%${c.query.search.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
        if (c.query.clientId) q.where({ client_id: c.query.clientId });
        if (c.query.state) q.where({ publish_state: c.query.state });
        const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: string | number }];
        const rows = (await q.orderBy('name').limit(c.query.perPage).offset((c.query.page - 1) * c.query.perPage).select('*')) as ZoneRow[];
        return list(rows.map(zoneJson), { total: Number(count), page: c.query.page, perPage: c.query.perPage });
      },
    },
    {
      method: 'POST', path: '/api/v1/dns/zones', permission: 'dns.zones.write', tags, successStatus: 201,
      summary: 'Create a zone (from the tenant\'s default template unless templateId is null); published in the background',
      schema: {
        body: {
          type: 'object', additionalProperties: false, required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 253 },
            clientId: { type: ['string', 'null'], format: 'uuid' },
            templateId: { type: ['string', 'null'], format: 'uuid' },
            variables: { type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 1000 }, propertyNames: { pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,63}$' } },
            nameservers: { type: 'array', maxItems: 13, uniqueItems: true, items: hostname },
          },
        },
      },
      handler: async (c: Ctx<CreateBody>) => {
        const p = c.principal!;
        const clientId = isClientScoped(p) ? actingClientId(p, c.body.clientId) : (c.body.clientId ?? null);
        if (isClientScoped(p) && c.body.nameservers) throw new ValidationError({ nameservers: 'nameservers are set by staff (zone templates)' });
        const store = new ZoneStore(c.db, c.tenant!.id);
        const limits = await limitsOf(plugin, c.tenant!.id);
        store.maxRecordSets = limits.maxRecordSetsPerZone;
        if (isClientScoped(p)) {
          const [{ n }] = (await store.zones().where({ client_id: clientId }).count({ n: '*' })) as [{ n: string | number }];
          if (Number(n) >= limits.maxZonesPerClient) throw new ConflictError(`Your account has ${limits.maxZonesPerClient} DNS zones, the most allowed; ask us for more`, { name: `at most ${limits.maxZonesPerClient} zones` });
        }
        let template: TemplateRow | null = null;
        if (c.body.templateId) {
          template = ((await store.db('dns_zone_templates').where({ id: c.body.templateId }).first()) as TemplateRow | undefined) ?? null;
          if (!template) throw new ValidationError({ templateId: 'is not a zone template of this tenant' });
        } else if (c.body.templateId === undefined) {
          template = (await store.defaultTemplate()) ?? null;
        }
        const zone = await store.createZone({ name: c.body.name, clientId, template, variables: c.body.variables, nameservers: c.body.nameservers, nestAcrossClients: can(p, 'dns.records.protected') }, actorOf(p));
        await queuePublish(plugin, c.tenant!.id, zone.id);
        return ok(zoneJson(zone));
      },
    },
    {
      method: 'GET', path: '/api/v1/dns/zones/:id', permission: 'dns.zones.read', tags, schema: { params: idParams }, summary: 'A zone with its publication and DNSSEC state',
      handler: async (c: Ctx) => ok(zoneJson(await visibleZone(new ZoneStore(c.db, c.tenant!.id), c.principal, c.params.id))),
    },
    {
      method: 'DELETE', path: '/api/v1/dns/zones/:id', permission: 'dns.zones.write', tags, schema: { params: idParams }, summary: 'Delete a zone (removed from the provider in the background)',
      handler: async (c: Ctx) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        const zone = await visibleZone(store, c.principal, c.params.id);
        await store.deleteZone(zone, actorOf(c.principal));
        await queuePublish(plugin, c.tenant!.id, zone.id);
        return ok({ id: zone.id, deleted: true });
      },
    },
    {
      method: 'GET', path: '/api/v1/dns/zones/:id/history', permission: 'dns.zones.read', tags, summary: 'The zone\'s change history (who, when, before and after), newest first',
      schema: { params: idParams, query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery } } },
      handler: async (c: Ctx<unknown, { page: number; perPage: number }>) => {
        const store = new ZoneStore(c.db, c.tenant!.id);
        const zone = await visibleZone(store, c.principal, c.params.id);
        const q = store.db('dns_zone_changes').where({ zone_id: zone.id });
        const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: string | number }];
        const rows = (await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(c.query.perPage).offset((c.query.page - 1) * c.query.perPage).select('*')) as Array<Record<string, unknown>>;
        return list(rows.map((r) => ({ id: r.id, action: r.action, actor: r.actor, userId: r.user_id, name: r.name, type: r.type, before: r.before, after: r.after, createdAt: r.created_at })), { total: Number(count), page: c.query.page, perPage: c.query.perPage });
      },
    },
  ];
}

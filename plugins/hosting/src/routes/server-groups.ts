import { ConflictError, type PluginContext, type RouteDefinition } from '@mpanel/sdk';
import { HostingPlan, Server, ServerGroup } from '../models/index.ts';
import { toServerGroup } from '../views.ts';
import { idParams, listQuery, listRoute, objectBody, paginate, route, text, orConflict } from './common.ts';

const placement = { enum: ['least_full', 'fill', 'round_robin', 'least_load'] };
const fields = { name: text(100), description: { type: ['string', 'null'], maxLength: 1000 }, placement, module: text(64) };
const DUPLICATE = 'A server group with this name exists';


export function serverGroupRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    listRoute(plugin, { method: 'GET', path: '/api/v1/server-groups', permission: 'server-groups.read', schema: { query: listQuery() } },
      (h, q) => paginate(ServerGroup.scoped(h.db), q, ['name', 'id'], toServerGroup)),
    route(plugin, { method: 'POST', path: '/api/v1/server-groups', permission: 'server-groups.write', successStatus: 201, schema: { body: objectBody(fields, ['name']) } },
      async (h, ctx) => toServerGroup(await orConflict(h.db, DUPLICATE, (db) => ServerGroup.insertFor(db, ctx.input.body)))),
    route(plugin, { method: 'GET', path: '/api/v1/server-groups/:id', permission: 'server-groups.read', schema: { params: idParams } },
      async (h, ctx) => {
        const group = await ServerGroup.findOwn(h.db, ctx.input.params.id!);
        const servers = await Server.scoped(h.db).where({ group_id: group.id }).select('id', 'name', 'hostname', 'status').orderBy('name');
        return { ...toServerGroup(group), servers: servers.map((s) => ({ id: s.id, name: s.name, hostname: s.hostname, status: s.status })) };
      }),
    route(plugin, { method: 'PATCH', path: '/api/v1/server-groups/:id', permission: 'server-groups.write', schema: { params: idParams, body: objectBody(fields, [], 1) } },
      async (h, ctx) => {
        const group = await ServerGroup.findOwn(h.db, ctx.input.params.id!);
        return toServerGroup(await orConflict(h.db, DUPLICATE, (db) => ServerGroup.scoped(db).patchAndFetchById(group.id, ctx.input.body)));
      }),
    route(plugin, { method: 'DELETE', path: '/api/v1/server-groups/:id', permission: 'server-groups.write', schema: { params: idParams } },
      async (h, ctx) => {
        const group = await ServerGroup.findOwn(h.db, ctx.input.params.id!);
        const servers = await Server.scoped(h.db).where({ group_id: group.id }).resultSize();
        const plans = await HostingPlan.scoped(h.db).where({ server_group_id: group.id }).resultSize();
        if (servers || plans) throw new ConflictError('The server group still has servers or plans', { servers: String(servers), plans: String(plans) });
        await ServerGroup.scoped(h.db).deleteById(group.id);
        return { id: group.id, deleted: true };
      }),
  ];
}

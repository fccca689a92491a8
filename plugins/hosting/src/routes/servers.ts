import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError, type PluginContext, type RouteDefinition, type TenantDb } from '@mpanel/sdk';
import { HostingAccount, Server, ServerGroup } from '../models/index.ts';
import { sealCredentials } from '../servers/credentials.ts';
import { toServer } from '../views.ts';
import { idParams, limit, listQuery, listRoute, objectBody, paginate, route, text, orConflict, uuid, type Hosting } from './common.ts';

const status = { enum: ['enrolling', 'online', 'offline', 'draining', 'maintenance'] };
const hostname = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$' };
const fields = {
  name: text(100),
  hostname,
  groupId: { type: ['string', 'null'], format: 'uuid' },
  module: text(64),
  address: { type: ['string', 'null'], maxLength: 253 },
  port: { type: ['integer', 'null'], minimum: 1, maximum: 65535 },
  status,
  maxAccounts: limit,
  maxDiskGb: limit,
  capabilities: { type: 'object', maxProperties: 50 },
  // Write-only: sealed at once, never returned. null clears them.
  credentials: { type: ['object', 'null'], maxProperties: 20, additionalProperties: { type: 'string', maxLength: 16_384 } },
};
const DUPLICATE = 'A server with this hostname exists';


async function assertGroup(db: TenantDb, groupId: unknown): Promise<void> {
  if (typeof groupId === 'string' && !(await ServerGroup.scoped(db).findById(groupId))) throw new ValidationError({ groupId: 'is not a server group of this tenant' });
}

/** The body as columns: credentials sealed for this server. */
function columns(h: Hosting, serverId: string, body: Record<string, unknown>): Record<string, unknown> {
  const { credentials, ...rest } = body;
  if (credentials === undefined) return rest;
  return { ...rest, credentials: credentials === null ? null : sealCredentials(h.plugin, h.db.tenantId, serverId, credentials as Record<string, string>) };
}

/** Accounts on the server, every tenant's (resellers place accounts on it too). */
async function loadOf(db: TenantDb, server: Server): Promise<{ accounts: number; allocatedDiskMb: number } | undefined> {
  if (!server.groupId) {
    return { accounts: await HostingAccount.scoped(db).where({ server_id: server.id }).whereIn('desired_state', ['active', 'suspended']).resultSize(), allocatedDiskMb: 0 };
  }
  const { rows } = (await db.trx.raw('SELECT accounts, allocated_disk_mb FROM hosting_placement_candidates(?) WHERE server_id = ?', [server.groupId, server.id])) as { rows: Array<{ accounts: string; allocated_disk_mb: string }> };
  return rows[0] ? { accounts: Number(rows[0].accounts), allocatedDiskMb: Number(rows[0].allocated_disk_mb) } : undefined;
}

export function serverRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    listRoute(plugin, { method: 'GET', path: '/api/v1/servers', permission: 'servers.read', schema: { query: listQuery({ groupId: uuid, status }) } },
      (h, q) => {
        const query = Server.scoped(h.db);
        if (q.groupId) query.where({ group_id: q.groupId });
        if (q.status) query.where({ status: q.status });
        return paginate(query, q, ['name', 'id'], (s) => toServer(s));
      }),
    route(plugin, { method: 'POST', path: '/api/v1/servers', permission: 'servers.write', successStatus: 201, schema: { body: objectBody(fields, ['name', 'hostname']) } },
      async (h, ctx) => {
        await assertGroup(h.db, ctx.input.body.groupId);
        const id = randomUUID();
        return toServer(await orConflict(h.db, DUPLICATE, (db) => Server.insertFor(db, { id, ...columns(h, id, ctx.input.body) })));
      }),
    route(plugin, { method: 'GET', path: '/api/v1/servers/:id', permission: 'servers.read', schema: { params: idParams } },
      async (h, ctx) => {
        const server = await Server.findOwn(h.db, ctx.input.params.id!);
        return toServer(server, await loadOf(h.db, server));
      }),
    route(plugin, { method: 'PATCH', path: '/api/v1/servers/:id', permission: 'servers.write', schema: { params: idParams, body: objectBody(fields, [], 1) } },
      async (h, ctx) => {
        const server = await Server.findOwn(h.db, ctx.input.params.id!);
        await assertGroup(h.db, ctx.input.body.groupId);
        return toServer(await orConflict(h.db, DUPLICATE, (db) => Server.scoped(db).patchAndFetchById(server.id, columns(h, server.id, ctx.input.body))));
      }),
    // Draining: existing accounts stay, placement skips the server.
    route(plugin, { method: 'POST', path: '/api/v1/servers/:id/drain', permission: 'servers.write', schema: { params: idParams } },
      async (h, ctx) => toServer(await Server.scoped(h.db).patchAndFetchById((await Server.findOwn(h.db, ctx.input.params.id!)).id, { status: 'draining' }))),
    route(plugin, { method: 'DELETE', path: '/api/v1/servers/:id', permission: 'servers.write', schema: { params: idParams } },
      async (h, ctx) => {
        const server = await Server.findOwn(h.db, ctx.input.params.id!);
        const load = await loadOf(h.db, server);
        if (load?.accounts) throw new ConflictError('The server still has hosting accounts', { accounts: String(load.accounts) });
        // Accounts of any tenant (terminated ones included) keep the server referenced: a 409, not a 500.
        await orConflict(h.db, 'The server is still referenced by hosting accounts', (db) => Server.scoped(db).deleteById(server.id));
        return { id: server.id, deleted: true };
      }),
  ];
}

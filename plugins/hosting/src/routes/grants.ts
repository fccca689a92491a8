import { NotFoundError, ValidationError, type PluginContext, type RouteDefinition, type TenantDb } from '@mpanel/sdk';
import { ServerGroup, ServerGroupGrant } from '../models/index.ts';
import { groupServerIds, quotaUsage } from '../placement.ts';
import { toGrant } from '../views.ts';
import { idParams, limit, objectBody, orConflict, route, uuid } from './common.ts';

const quotas = { maxAccounts: limit, maxDiskMb: { type: ['integer', 'null'], minimum: 0, maximum: 1_000_000_000 }, note: { type: ['string', 'null'], maxLength: 500 } };
const grantParams = { type: 'object', required: ['id', 'grantId'], properties: { id: uuid, grantId: uuid } } as const;

async function findGrant(db: TenantDb, groupId: string, grantId: string): Promise<ServerGroupGrant> {
  const grant = await ServerGroupGrant.scoped(db).where({ group_id: groupId }).findById(grantId);
  if (!grant) throw new NotFoundError();
  return grant;
}

/** A grant goes to a direct child tenant (a reseller of this tenant) only. */
async function assertChild(db: TenantDb, childTenantId: string): Promise<void> {
  const child = await db.trx('tenants').where({ id: childTenantId, parent_tenant_id: db.tenantId }).first('id');
  if (!child) throw new ValidationError({ childTenantId: 'is not a sub-tenant of this tenant' });
}

/** What the reseller placed on a granted group: its own accounts on servers it cannot read. */
async function usageOf(db: TenantDb, groupId: string): Promise<{ accounts: number; diskMb: number }> {
  return quotaUsage(db, await groupServerIds(db, groupId));
}

/**
 * Capacity of a server group lent to reseller (child) tenants, with quotas. The parent manages
 * grants under its group; the reseller sees the grants it received (group id, quotas, its usage),
 * never the group's servers.
 */
export function grantRoutes(plugin: PluginContext): RouteDefinition[] {
  const DUPLICATE = 'This tenant already has a grant on the group';
  return [
    route(plugin, { method: 'GET', path: '/api/v1/server-groups/:id/grants', permission: 'server-groups.read', schema: { params: idParams } },
      async (h, ctx) => {
        const group = await ServerGroup.findOwn(h.db, ctx.input.params.id!);
        return (await ServerGroupGrant.scoped(h.db).where({ group_id: group.id }).orderBy('created_at')).map((g) => toGrant(g));
      }),
    route(plugin, { method: 'POST', path: '/api/v1/server-groups/:id/grants', permission: 'server-groups.write', successStatus: 201, schema: { params: idParams, body: objectBody({ childTenantId: uuid, ...quotas }, ['childTenantId']) } },
      async (h, ctx) => {
        const group = await ServerGroup.findOwn(h.db, ctx.input.params.id!);
        const body = ctx.input.body as { childTenantId: string };
        await assertChild(h.db, body.childTenantId);
        return toGrant(await orConflict(h.db, DUPLICATE, (db) => ServerGroupGrant.insertFor(db, { ...body, groupId: group.id })));
      }),
    route(plugin, { method: 'PATCH', path: '/api/v1/server-groups/:id/grants/:grantId', permission: 'server-groups.write', schema: { params: grantParams, body: objectBody(quotas, [], 1) } },
      async (h, ctx) => {
        const grant = await findGrant(h.db, ctx.input.params.id!, ctx.input.params.grantId!);
        return toGrant(await ServerGroupGrant.scoped(h.db).patchAndFetchById(grant.id, ctx.input.body));
      }),
    // Accounts already placed stay where they are; the reseller can place no new ones.
    route(plugin, { method: 'DELETE', path: '/api/v1/server-groups/:id/grants/:grantId', permission: 'server-groups.write', schema: { params: grantParams } },
      async (h, ctx) => {
        const grant = await findGrant(h.db, ctx.input.params.id!, ctx.input.params.grantId!);
        await ServerGroupGrant.scoped(h.db).deleteById(grant.id);
        return { id: grant.id, deleted: true };
      }),
    route(plugin, { method: 'GET', path: '/api/v1/hosting/grants', permission: 'server-groups.read', summary: 'Capacity granted to this tenant by its parent' },
      async (h) => {
        const received = await ServerGroupGrant.query(h.db.trx).where({ child_tenant_id: h.db.tenantId }).orderBy('created_at');
        return Promise.all(received.map(async (g) => toGrant(g, await usageOf(h.db, g.groupId))));
      }),
  ];
}

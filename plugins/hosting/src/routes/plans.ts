import { ConflictError, ValidationError, type PluginContext, type RouteDefinition, type TenantDb } from '@mpanel/sdk';
import { HostingPlan, ServerGroup } from '../models/index.ts';
import { grantFor } from '../placement.ts';
import { assertRemotePackage, planPackage } from '../plans/remote-package.ts';
import { DEFAULT_SUSPENSION, limitsSchema, suspensionPolicySchema } from '../plans/limits.ts';
import { reapplyMailPolicy } from '../resources/mail.ts';
import { toPlan } from '../views.ts';
import { idParams, listQuery, listRoute, objectBody, orConflict, paginate, route, serverCheckedRoute, text } from './common.ts';

const fields = {
  name: text(100),
  description: { type: ['string', 'null'], maxLength: 2000 },
  serverGroupId: { type: ['string', 'null'], format: 'uuid' },
  limits: limitsSchema,
  suspensionPolicy: suspensionPolicySchema,
  remotePackage: { type: ['string', 'null'], maxLength: 100 },
  retired: { type: 'boolean' },
};
const DUPLICATE = 'A hosting plan with this name exists';


/** A plan places accounts on a group of this tenant, or on a parent's group granted to it. */
async function assertUsableGroup(db: TenantDb, groupId: unknown): Promise<void> {
  if (typeof groupId !== 'string') return;
  if (await ServerGroup.scoped(db).findById(groupId)) return;
  if (await grantFor(db, groupId)) return;
  throw new ValidationError({ serverGroupId: 'is not a server group of this tenant or granted to it' });
}

/** Products selling the plan: `products.provisioning = { module: 'hosting', config: { planId } }` (billing's column). */
function productsOf(db: TenantDb, planId: string) {
  return db('products').whereRaw(`provisioning->>'module' = 'hosting' AND provisioning->'config'->>'planId' = ?`, [planId]).select('id', 'name');
}

export function planRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    listRoute(plugin, { method: 'GET', path: '/api/v1/hosting-plans', permission: 'hosting-plans.read', schema: { query: listQuery({ retired: { type: 'boolean' } }) } },
      (h, q) => {
        const query = HostingPlan.scoped(h.db);
        if (q.retired !== undefined) query.where({ retired: q.retired });
        return paginate(query, q, ['name', 'id'], toPlan);
      }),
    // The remote package is checked against the group's panels first (outside the transaction).
    serverCheckedRoute(plugin, { method: 'POST', path: '/api/v1/hosting-plans', permission: 'hosting-plans.write', successStatus: 201, schema: { body: objectBody(fields, ['name', 'limits']) } },
      (tenantId, ctx) => assertRemotePackage(plugin, tenantId, ctx.input.body.serverGroupId as string | undefined, ctx.input.body.remotePackage as string | undefined),
      async (h, ctx) => {
        const body = ctx.input.body;
        await assertUsableGroup(h.db, body.serverGroupId);
        const suspensionPolicy = { ...DEFAULT_SUSPENSION, ...(body.suspensionPolicy as object | undefined) };
        return toPlan(await orConflict(h.db, DUPLICATE, (db) => HostingPlan.insertFor(db, { ...body, suspensionPolicy })));
      }),
    route(plugin, { method: 'GET', path: '/api/v1/hosting-plans/:id', permission: 'hosting-plans.read', schema: { params: idParams } },
      async (h, ctx) => {
        const plan = await HostingPlan.findOwn(h.db, ctx.input.params.id!);
        return { ...toPlan(plan), products: await productsOf(h.db, plan.id) };
      }),
    // Limit changes reach existing accounts through billing's plan change or a changePackage operation.
    serverCheckedRoute(plugin, { method: 'PATCH', path: '/api/v1/hosting-plans/:id', permission: 'hosting-plans.write', schema: { params: idParams, body: objectBody(fields, [], 1) } },
      async (tenantId, ctx) => {
        const body = ctx.input.body;
        if (body.remotePackage === undefined && body.serverGroupId === undefined) return;
        const now = await planPackage(plugin, tenantId, ctx.input.params.id!);
        if (!now) return; // the handler answers the 404
        await assertRemotePackage(plugin, tenantId, body.serverGroupId !== undefined ? body.serverGroupId as string | null : now.groupId,
          body.remotePackage !== undefined ? body.remotePackage as string | null : now.remotePackage);
      },
      async (h, ctx) => {
        const plan = await HostingPlan.findOwn(h.db, ctx.input.params.id!);
        await assertUsableGroup(h.db, ctx.input.body.serverGroupId);
        const body = { ...ctx.input.body };
        if (body.suspensionPolicy) body.suspensionPolicy = { ...plan.suspensionPolicy, ...(body.suspensionPolicy as object) };
        const saved = await orConflict(h.db, DUPLICATE, (db) => HostingPlan.scoped(db).patchAndFetchById(plan.id, body));
        // In the same transaction: the mailboxes' servers learn the new policy for incoming mail.
        await reapplyMailPolicy(h, plan, saved);
        return toPlan(saved);
      }),
    route(plugin, { method: 'DELETE', path: '/api/v1/hosting-plans/:id', permission: 'hosting-plans.write', schema: { params: idParams } },
      async (h, ctx) => {
        const plan = await HostingPlan.findOwn(h.db, ctx.input.params.id!);
        const products = await productsOf(h.db, plan.id);
        if (products.length) throw new ConflictError('Products still sell this plan; retire it instead', { products: products.map((p: { name: string }) => p.name).join(', ') });
        await orConflict(h.db, 'Hosting accounts still use this plan; retire it instead', (db) => HostingPlan.scoped(db).deleteById(plan.id));
        return { id: plan.id, deleted: true };
      }),
  ];
}

import { VetoError, type PluginContext } from '@mpanel/sdk';
import { HostingPlan, ServerGroup } from '../models/index.ts';
import { grantFor, groupServerIds, quotaOverrun, quotaUsage } from '../placement.ts';
import { HOSTING_MODULE } from './intents.ts';
import { tenantDb } from './operation-store.ts';

/** The part of billing's `order.beforeCreate` payload this check reads. */
interface OrderPayload {
  items: Array<{ productId: string }>;
}

/**
 * A reseller's order of hosting products placed on a server group its parent granted it is
 * refused when the accounts it asks for would overrun the grant's quotas (accounts, disk): the
 * client hears it at order time, not after paying, when placement would leave the account
 * unplaced. Placement checks again (under its lock) when the account is really made.
 */
export function registerOrderQuota(plugin: PluginContext): void {
  plugin.hooks.on<OrderPayload>('order.beforeCreate', async (payload, ctx) => {
    if (!ctx.trx || !ctx.tenantId) return;
    const db = tenantDb(ctx.trx, ctx.tenantId);
    const wanted = new Map<string, { accounts: number; diskMb: number }>();
    for (const item of payload.items) {
      const product = (await db('products').where('products.id', item.productId).first('provisioning')) as { provisioning: { module?: string; config?: { planId?: unknown } } | null } | undefined;
      const planId = product?.provisioning?.module === HOSTING_MODULE ? product.provisioning.config?.planId : undefined;
      if (typeof planId !== 'string' || !/^[0-9a-f-]{36}$/i.test(planId)) continue;
      const plan = await HostingPlan.scoped(db).findById(planId);
      if (!plan?.serverGroupId || (await ServerGroup.scoped(db).findById(plan.serverGroupId))) continue; // own group: no quota
      const sum = wanted.get(plan.serverGroupId) ?? { accounts: 0, diskMb: 0 };
      wanted.set(plan.serverGroupId, { accounts: sum.accounts + 1, diskMb: sum.diskMb + (plan.limits.diskMb ?? 0) });
    }
    for (const [groupId, more] of wanted) {
      const grant = await grantFor(db, groupId);
      if (!grant) throw new VetoError('The hosting capacity for this product is not granted to this tenant', { items: `server group ${groupId} is not granted` });
      const overrun = quotaOverrun(grant, await quotaUsage(db, await groupServerIds(db, groupId)), more);
      if (overrun) throw new VetoError(`Hosting quota exceeded: ${overrun}`, { items: `quota exceeded (${overrun.split(':')[0]})` });
    }
  });
}

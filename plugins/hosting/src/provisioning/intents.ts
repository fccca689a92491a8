import type { DomainEvent, PluginContext, TenantDb } from '@mpanel/sdk';
import { requestOperation } from '../operations/request.ts';
import { generateUsername } from '../usernames.ts';
import type { AccountRow } from './account-call.ts';
import { hostingBillingRef, type ProvisionedService } from './billing-port.ts';
import { tenantDb } from './operation-store.ts';
import { setProgress } from './progress.ts';
import { startOperation } from './start.ts';

interface ServiceEvent { serviceId: string; reason?: string; type?: string; cancelAt?: string }

/** The `products.provisioning.module` whose services this engine builds. */
export const HOSTING_MODULE = 'hosting';

/** Billing's events this plugin turns into operations (declared in the manifest's `subscribes`). */
export const BILLING_INTENTS = ['service.activated', 'service.suspended', 'service.unsuspended', 'service.upgraded', 'service.terminated', 'service.cancelled', 'service.cancellationRequested'] as const;

const planIdOf = (svc: ProvisionedService) => {
  const id = svc.provisioning?.config.planId;
  return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
};

const accountOfService = async (db: TenantDb, serviceId: string) => (await db('hosting_accounts').where('hosting_accounts.service_id', serviceId).first()) as AccountRow | undefined;

/** One operation per intent: the key `<service>:<action>:<event id>` makes a redelivered event a no-op. */
async function queue(db: TenantDb, account: AccountRow, action: string, event: DomainEvent, desired: Record<string, unknown>): Promise<void> {
  const op = await requestOperation(db, {
    subjectType: 'account', subjectId: account.id, accountId: account.id, action, desired,
    triggeredBy: event.id, idempotencyKey: `${account.service_id}:${action}:${event.id}`,
  });
  await startOperation(db, op.id);
}

/**
 * A paid hosting service: its account row (plan from the product's `provisioning.config.planId`,
 * a generated Linux user name, the order's domain as its first website), then the create
 * operation. The service stays pending in billing until the account really exists.
 */
async function activated(plugin: PluginContext, db: TenantDb, event: DomainEvent<ServiceEvent>): Promise<void> {
  const billing = plugin.services.resolve(hostingBillingRef).forTenant(db.trx, db.tenantId);
  const svc = await billing.get(event.payload.serviceId);
  if (!svc || svc.provisioning?.module !== HOSTING_MODULE) return;
  let account = await accountOfService(db, svc.id);
  if (!account) {
    const planId = planIdOf(svc);
    const plan = planId ? await db('hosting_plans').where('hosting_plans.id', planId).first('id') : undefined;
    if (!plan) {
      plugin.logger.error({ serviceId: svc.id, productId: svc.productId }, 'hosting product has no valid provisioning.config.planId: the service stays pending');
      return;
    }
    const domain = svc.domain ?? `${svc.id.slice(0, 8)}.invalid`;
    const username = await generateUsername(domain, async () => false);
    [account] = (await db.insert('hosting_accounts', {
      service_id: svc.id, client_id: svc.clientId, plan_id: planId, username, domain: svc.domain, desired_state: 'active',
    })) as AccountRow[];
    if (svc.domain) {
      // A domain already served by another live site (any tenant) is not taken over: staff see the account without it.
      await db.trx('websites').insert({ tenant_id: db.tenantId, account_id: account!.id, domain: svc.domain, docroot: 'public_html', php_version: null, state: 'creating' }).onConflict().ignore();
    }
    await setProgress(db, account!.id, { step: 1 });
  } else {
    await db('hosting_accounts').where('hosting_accounts.id', account.id).update({ desired_state: 'active', suspend_reason: null, updated_at: db.trx.fn.now() });
  }
  await queue(db, account!, 'create', event, { desiredState: 'active', username: account!.username, domain: account!.domain });
}

/** Any later intent on a service that has an account: set the intent, queue the operation (last one wins). */
async function changed(plugin: PluginContext, db: TenantDb, event: DomainEvent<ServiceEvent>): Promise<void> {
  const account = await accountOfService(db, event.payload.serviceId);
  if (!account) return;
  const set = (changes: Record<string, unknown>) => db('hosting_accounts').where('hosting_accounts.id', account.id).update({ ...changes, updated_at: db.trx.fn.now() });
  switch (event.name) {
    case 'service.suspended':
      await set({ desired_state: 'suspended', suspend_reason: event.payload.reason ?? 'manual' });
      return queue(db, account, 'suspend', event, { desiredState: 'suspended', reason: event.payload.reason ?? 'manual' });
    case 'service.unsuspended':
      await set({ desired_state: 'active', suspend_reason: null });
      return queue(db, account, 'unsuspend', event, { desiredState: 'active' });
    case 'service.upgraded': {
      const svc = await plugin.services.resolve(hostingBillingRef).forTenant(db.trx, db.tenantId).get(account.service_id);
      const planId = svc && planIdOf(svc);
      if (planId) await set({ plan_id: planId });
      return queue(db, account, 'changePackage', event, { planId: planId ?? account.plan_id });
    }
    case 'service.terminated':
    case 'service.cancelled':
      await set({ desired_state: 'terminated' });
      return queue(db, account, 'terminate', event, { desiredState: 'terminated' });
    default:
      // cancellationRequested: nothing changes on the server yet; billing cancels the service at
      // the end of the paid period (`service.cancelled`), which terminates the account then.
      plugin.logger.info({ serviceId: event.payload.serviceId, cancelAt: event.payload.cancelAt }, 'hosting account will be terminated when the service is cancelled');
  }
}

export function registerIntents(plugin: PluginContext): void {
  for (const name of BILLING_INTENTS) {
    plugin.events.subscribe<ServiceEvent>(name, async (event, h) => {
      if (!event.tenantId) return;
      const db = tenantDb(h.trx, event.tenantId);
      await (name === 'service.activated' ? activated(plugin, db, event) : changed(plugin, db, event));
    });
  }
}

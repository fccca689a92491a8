import { ValidationError, type DomainEvent, type PluginContext, type TenantDb } from '@mpanel/sdk';
import { requestOperation } from '../operations/request.ts';
import { createHostingAccount } from '../accounts/create.ts';
import { ensureHostingZone, removeHostingZones } from '../dns/zones.ts';
import type { AccountRow } from './account-call.ts';
import { hostingBillingRef, type ProvisionedService } from './billing-port.ts';
import { BILLING_INTENTS } from './names.ts';
import { tenantDb } from './operation-store.ts';
import { setProgress } from './progress.ts';
import { startOperation } from './start.ts';

interface ServiceEvent { serviceId: string; reason?: string; type?: string; cancelAt?: string }

/** The `products.provisioning.module` whose services this engine builds. */
export const HOSTING_MODULE = 'hosting';


const planIdOf = (svc: ProvisionedService): string | null => {
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
  const idempotencyKey = `${svc.id}:create:${event.id}`;
  const existing = await accountOfService(db, svc.id);
  if (existing) {
    // Activated again (reactivation after a cancellation, or a redelivery): converge to active.
    await db('hosting_accounts').where('hosting_accounts.id', existing.id).update({ desired_state: 'active', suspend_reason: null, updated_at: db.trx.fn.now() });
    return queue(db, existing, 'create', event, { desiredState: 'active', username: existing.username, domain: existing.domain });
  }
  let created;
  try {
    created = await createHostingAccount(db, { serviceId: svc.id }, { triggeredBy: event.id, idempotencyKey });
  } catch (err) {
    // A product without a valid plan cannot be set up by any retry of this event: the service
    // stays pending (billing shows it so) and staff create the account by hand once the plan is fixed.
    if (err instanceof ValidationError) {
      plugin.logger.error({ serviceId: svc.id, productId: svc.productId, details: err.details }, 'hosting product cannot be set up: the service stays pending');
      return;
    }
    throw err;
  }
  if (svc.domain) {
    // The order's domain is the account's first website. A domain already live elsewhere (any
    // tenant) is not taken over: staff see the account without it.
    // Same layout and PHP default as a site added through the API (the agent serves web/<domain>/public_html).
    const plan = (await db('hosting_plans').where('hosting_plans.id', created.account.planId).first('limits')) as { limits?: { phpVersions?: string[] } } | undefined;
    await db.trx('websites').insert({
      tenant_id: db.tenantId, account_id: created.account.id, domain: svc.domain, docroot: `web/${svc.domain}/public_html`,
      php_version: plan?.limits?.phpVersions?.[0] ?? null, state: 'creating',
    }).onConflict().ignore();
  }
  await ensureHostingZone(plugin, db, { accountId: created.account.id, domain: created.account.domain, serverId: created.account.serverId, clientId: created.account.clientId });
  await setProgress(db, created.account.id, { step: 1 });
  await startOperation(db, created.operation.id);
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
      await removeHostingZones(plugin, db, account.id);
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

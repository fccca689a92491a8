import type { Knex } from 'knex';
import { ConflictError, HttpError, type PluginContext } from '@mpanel/sdk';
import { gatewayBillingRef, type GatewayBilling } from './billing-port.ts';
import type { StripeCall } from './call.ts';
import { stripeClient } from './client.ts';
import type { StripeSettings } from './settings.ts';
import { StripeStore } from './store.ts';

export type StripePlugin = PluginContext<StripeSettings>;

/**
 * A StripeCall for a tenant on a transaction that already has that tenant's context. Pass the
 * settings when they were read before `trx` was opened outside an execution (a webhook): reading
 * them again would wait for a second connection, which PGlite does not have.
 */
export async function stripeCall(plugin: StripePlugin, tenantId: string, trx: Knex.Transaction, known?: Partial<StripeSettings>): Promise<StripeCall> {
  const settings = known ?? (await plugin.settings.get(tenantId));
  if (!settings.secretKey) throw new ConflictError('Stripe is not configured for this tenant');
  const billing = plugin.services.tryResolve(gatewayBillingRef);
  if (!billing) throw new HttpError(503, 'Billing is not available');
  return {
    tenantId,
    stripe: stripeClient(settings.secretKey),
    store: new StripeStore(trx, tenantId),
    billing: billing.forTenant(trx, tenantId),
    logger: plugin.logger.child({ tenantId }),
    emit: (name, payload) => plugin.events.emit(name, payload, { trx, tenantId }),
  };
}

/** Billing bound to the current request's transaction and tenant (no Stripe configuration needed). */
export function currentBilling(plugin: StripePlugin): GatewayBilling {
  const tenantId = plugin.scope()?.tenantId;
  if (!tenantId) throw new HttpError(400, 'No tenant');
  const billing = plugin.services.tryResolve(gatewayBillingRef);
  if (!billing) throw new HttpError(503, 'Billing is not available');
  return billing.forTenant(plugin.db.current(), tenantId);
}

/**
 * The gateway's own tables for the current request, without touching Stripe: routes look their
 * record up first, so another tenant's or client's id is a 404 whether or not Stripe is configured.
 */
export function currentStore(plugin: StripePlugin): StripeStore {
  const tenantId = plugin.scope()?.tenantId;
  if (!tenantId) throw new HttpError(400, 'No tenant');
  return new StripeStore(plugin.db.current(), tenantId);
}

/**
 * Runs `fn` with a call in the current transaction when there is one (a request: billing's pay
 * route), else in a transaction of its own for the tenant (billing's charge step calls the gateway
 * between its own transactions, so the payment and its outbox event commit with the gateway's record).
 */
export async function withCall<R>(plugin: StripePlugin, tenantId: string, fn: (call: StripeCall) => Promise<R>): Promise<R> {
  const trx = plugin.scope()?.trx;
  if (trx) return fn(await stripeCall(plugin, tenantId, trx));
  // Read before the transaction opens: PGlite has one connection.
  const settings = await plugin.settings.get(tenantId);
  return plugin.db.transaction(tenantId, async (own) => fn(await stripeCall(plugin, tenantId, own, settings)));
}

/** The call for the current request / job / event handler (its tenant and transaction). */
export async function currentCall(plugin: StripePlugin, tenantId?: string): Promise<StripeCall> {
  const scope = plugin.scope();
  const tenant = tenantId ?? scope?.tenantId;
  if (!tenant) throw new HttpError(400, 'No tenant');
  return stripeCall(plugin, tenant, plugin.db.current());
}

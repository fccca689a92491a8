import type { Knex } from 'knex';
import { ConflictError, HttpError, type PluginContext } from '@mpanel/sdk';
import { gatewayBillingRef } from './billing-port.ts';
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

/** The call for the current request / job / event handler (its tenant and transaction). */
export async function currentCall(plugin: StripePlugin, tenantId?: string): Promise<StripeCall> {
  const scope = plugin.scope();
  const tenant = tenantId ?? scope?.tenantId;
  if (!tenant) throw new HttpError(400, 'No tenant');
  return stripeCall(plugin, tenant, plugin.db.current());
}

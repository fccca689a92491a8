import type { Knex } from 'knex';
import type { PluginContext, Principal, RouteContext } from '@mpanel/sdk';
import { UnauthorizedError } from '@mpanel/sdk';
import { bindTenant, type BillingDb } from './db.ts';
import { withDefaults, type BillingSettings } from './settings.ts';
import { isoDateOf, type IsoDate } from './domain/dates.ts';

/**
 * Everything a billing operation needs, for one tenant and one transaction: requests, the billing
 * run's batches and gateway calls all build one, so the service functions never care where they run.
 */
export interface Billing {
  db: BillingDb;
  tenantId: string;
  /** null for the system (billing run, gateway webhooks). */
  principal: Principal | null;
  settings: BillingSettings;
  today: IsoDate;
  plugin: PluginContext<Partial<BillingSettings>>;
  /** Writes a domain event to the outbox in this transaction. */
  emit(name: string, payload: Record<string, unknown>): Promise<void>;
}

export async function billingFor(
  plugin: PluginContext<Partial<BillingSettings>>,
  trx: Knex.Transaction,
  tenantId: string,
  principal: Principal | null,
  today: IsoDate = isoDateOf(new Date()),
  /** Pass settings read beforehand when there is no request/job scope (the settings read would use another connection). */
  known?: BillingSettings,
): Promise<Billing> {
  const settings = known ?? withDefaults(await plugin.settings.get(tenantId));
  return {
    db: bindTenant(trx, tenantId),
    tenantId,
    principal,
    settings,
    today,
    plugin,
    emit: async (name, payload) => {
      await plugin.events.emit(name, payload, { trx, tenantId });
    },
  };
}

/** The billing context of a request: its transaction, tenant and caller. */
export async function billingOfRequest(plugin: PluginContext<Partial<BillingSettings>>, ctx: RouteContext): Promise<Billing> {
  const { tenant, principal } = ctx;
  if (!tenant || !principal) throw new UnauthorizedError();
  return billingFor(plugin, ctx.db, tenant.id, principal);
}

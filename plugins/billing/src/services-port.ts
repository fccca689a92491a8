import type { Knex } from 'knex';
import { serviceRef, type PluginContext } from '@mpanel/sdk';
import { billingFor } from './context.ts';
import { bindTenant, isoDate } from './db.ts';
import type { BillingSettings } from './settings.ts';
import { importClient, importProblem, importService, matchClient, type ImportClientInput, type ImportServiceInput } from './services/imports.ts';

/**
 * `billing.services`: what provisioning plugins read and confirm about a service. Billing holds the
 * intent; the plugin that builds the service says when it really exists (`markActive` ends
 * "pending setup"). Bound to the caller's transaction and tenant like `billing.payments`.
 */
export interface ServiceForProvisioning {
  id: string;
  clientId: string;
  productId: string;
  status: string;
  domain: string | null;
  config: Record<string, unknown>;
  suspendReason: string | null;
  cancelAt: string | null;
  provisioning: { module: string; config: Record<string, unknown> } | null;
}

export interface BillingServices {
  get(serviceId: string): Promise<ServiceForProvisioning | undefined>;
  /** pending → active once the account exists; false when the service was not pending (already active, terminated...). */
  markActive(serviceId: string): Promise<boolean>;
  /** Import (accounts taken over from a server): an existing client by e-mail, else by a service's domain. */
  matchClient(by: { email?: string | null; domain?: string | null }): Promise<{ clientId: string; by: 'email' | 'domain' } | null>;
  /** The client with this e-mail, or a new one: no portal login, no welcome mail (`client.imported`). */
  importClient(input: ImportClientInput): Promise<{ id: string; created: boolean }>;
  /** Why the product cannot take imported services in `cycle`; null when it can. */
  importProblem(productId: string, cycle: string): Promise<string | null>;
  /** A running service with no order, invoice, mail or `service.activated` (`service.imported`). */
  importService(input: ImportServiceInput): Promise<{ id: string }>;
}

export interface BillingServicesService {
  forTenant(trx: Knex.Transaction, tenantId: string): BillingServices;
}

export const billingServicesRef = serviceRef<BillingServicesService>('billing.services');

export function createBillingServices(plugin: PluginContext<Partial<BillingSettings>>): BillingServicesService {
  return {
    forTenant(trx, tenantId) {
      const db = bindTenant(trx, tenantId);
      const billing = () => billingFor(plugin, trx, tenantId, null);
      return {
        async get(serviceId) {
          const row = (await db('services').join('products', 'products.id', 'services.product_id').where('services.id', serviceId)
            .first('services.*', 'products.provisioning as product_provisioning')) as Record<string, unknown> | undefined;
          if (!row) return undefined;
          const p = row.product_provisioning as { module?: string; config?: Record<string, unknown> } | null;
          return {
            id: row.id as string, clientId: row.client_id as string, productId: row.product_id as string, status: row.status as string,
            domain: (row.domain as string | null) ?? null, config: (row.config as Record<string, unknown> | null) ?? {},
            suspendReason: (row.suspend_reason as string | null) ?? null, cancelAt: isoDate(row.cancel_at) ?? null,
            provisioning: p?.module ? { module: p.module, config: p.config ?? {} } : null,
          };
        },
        async markActive(serviceId) {
          return (await db('services').where({ id: serviceId, status: 'pending' }).update({ status: 'active', updated_at: trx.fn.now() })) > 0;
        },
        matchClient: async (by) => matchClient(await billing(), by),
        importClient: async (input) => importClient(await billing(), input),
        importProblem: async (productId, cycle) => importProblem(await billing(), productId, cycle),
        importService: async (input) => importService(await billing(), input),
      };
    },
  };
}

import type { Knex } from 'knex';
import { serviceRef } from '@mpanel/sdk';
import { bindTenant, isoDate } from './db.ts';

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
}

export interface BillingServicesService {
  forTenant(trx: Knex.Transaction, tenantId: string): BillingServices;
}

export const billingServicesRef = serviceRef<BillingServicesService>('billing.services');

export function createBillingServices(): BillingServicesService {
  return {
    forTenant(trx, tenantId) {
      const db = bindTenant(trx, tenantId);
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
      };
    },
  };
}

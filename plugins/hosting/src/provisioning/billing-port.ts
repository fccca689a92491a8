import type { Knex } from 'knex';
import { serviceRef } from '@mpanel/sdk';

/**
 * The part of billing's `billing.services` the provisioning engine uses (plugins share nothing but
 * the SDK, so each declares the shape it calls): read a service's intent, and end its "pending
 * setup" once the account really exists.
 */
export interface ProvisionedService {
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

export interface HostingBilling {
  get(serviceId: string): Promise<ProvisionedService | undefined>;
  markActive(serviceId: string): Promise<boolean>;
}

export interface HostingBillingService {
  forTenant(trx: Knex.Transaction, tenantId: string): HostingBilling;
}

export const hostingBillingRef = serviceRef<HostingBillingService>('billing.services');

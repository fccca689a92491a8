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
  // Import of accounts that exist on a server already (src/import): no order, invoice, mail or provisioning.
  matchClient(by: { email?: string | null; domain?: string | null }): Promise<{ clientId: string; by: 'email' | 'domain' } | null>;
  importClient(input: { email: string; firstName: string; lastName: string; country: string; companyName?: string | null }): Promise<{ id: string; created: boolean }>;
  importProblem(productId: string, cycle: string): Promise<string | null>;
  importService(input: {
    clientId: string; productId: string; cycle: string; nextDueDate: string; status: 'active' | 'suspended'; domain?: string | null; amount?: number;
  }): Promise<{ id: string }>;
}

export interface HostingBillingService {
  forTenant(trx: Knex.Transaction, tenantId: string): HostingBilling;
}

export const hostingBillingRef = serviceRef<HostingBillingService>('billing.services');

import type { Knex } from 'knex';
import { serviceRef } from '@mpanel/sdk';

/**
 * The part of billing's `billing.payments` service this gateway uses (the Stripe plugin uses the
 * same service; each plugin declares only what it calls, since plugins share nothing but the SDK).
 */
export interface ManualBilling {
  getInvoice(invoiceId: string): Promise<{ id: string; number: string | null; clientId: string; status: string; currency: string; amountDue: number } | undefined>;
  recordPayment(input: { invoiceId: string; amount: number; currency: string; gateway: string; transactionId: string; paidAt?: string }): Promise<{ recorded: boolean }>;
}

/** `billing.payments`: billing bound to a transaction and tenant (see the Stripe plugin's port). */
export interface ManualBillingService {
  forTenant(trx: Knex.Transaction, tenantId: string): ManualBilling;
}

export const manualBillingRef = serviceRef<ManualBillingService>('billing.payments');

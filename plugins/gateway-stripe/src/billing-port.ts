import type { Knex } from 'knex';
import { serviceRef } from '@mpanel/sdk';

/**
 * What a gateway needs from billing, resolved through the service `billing.payments` (declared in
 * the manifest's `requires.services`): `forTenant(trx, tenantId)` binds billing to the gateway's
 * transaction and tenant, so a webhook's dedupe row, the payment and the `invoice.paid` outbox
 * event commit together or not at all. Explicit rather than "the current request": a webhook for
 * `/api/webhooks/stripe/:tenantId` opens its own transaction for the tenant in the path, and jobs
 * act for the job's tenant (billing's `billingFor(plugin, trx, tenantId, null)` fits this).
 */
export interface InvoiceForPayment {
  id: string;
  number: string | null;
  clientId: string;
  status: 'draft' | 'unpaid' | 'paid' | 'cancelled' | 'refunded';
  currency: string;
  total: number;
  amountDue: number;
  dueDate?: string | null;
}

export interface ClientForPayment {
  id: string;
  email: string;
  name: string;
}

export interface RecordPaymentInput {
  invoiceId: string;
  amount: number;
  currency: string;
  gateway: string;
  /** Unique per gateway: the PaymentIntent id for Stripe, the staff's reference for manual. */
  transactionId: string;
  paidAt?: string;
}

export interface RecordRefundInput {
  invoiceId: string;
  amount: number;
  currency: string;
  gateway: string;
  /** The payment's transaction id. */
  transactionId: string;
  /** Unique per gateway: Stripe's `re_…`. */
  refundId: string;
  reason?: string;
}

export interface GatewayBilling {
  getInvoice(invoiceId: string): Promise<InvoiceForPayment | undefined>;
  getClient(clientId: string): Promise<ClientForPayment | undefined>;
  /** Idempotent per (gateway, transactionId): `recorded: false` when it was already there. */
  recordPayment(input: RecordPaymentInput): Promise<{ recorded: boolean }>;
  /** Idempotent per (gateway, refundId). */
  recordRefund(input: RecordRefundInput): Promise<{ recorded: boolean }>;
  /** Marks the invoice as disputed (chargeback) for staff attention. */
  flagInvoice(invoiceId: string, flag: { reason: 'dispute'; reference: string; note?: string }): Promise<void>;
}

export interface GatewayBillingService {
  forTenant(trx: Knex.Transaction, tenantId: string): GatewayBilling;
}

export const gatewayBillingRef = serviceRef<GatewayBillingService>('billing.payments');

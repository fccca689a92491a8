import type { Knex } from 'knex';
import { serviceRef } from '@mpanel/sdk';
import { billingFor, type Billing } from './context.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import type { Plugin } from './routes/common.ts';
import { amountDue } from './services/invoices.ts';
import { recordPayment } from './services/payments.ts';
import { recordGatewayRefund } from './services/refunds.ts';
import { isoDate } from './db.ts';

/**
 * The service gateways use (`billing.payments`, the shape gateway-stripe and gateway-manual declare
 * in their `billing-port.ts`): `forTenant(trx, tenantId)` binds billing to the gateway's
 * transaction and tenant, so a webhook's dedupe row, the payment and the `invoice.paid` event
 * commit together.
 */
export interface GatewayBilling {
  getInvoice(invoiceId: string): Promise<{ id: string; number: string | null; clientId: string; status: 'draft' | 'unpaid' | 'paid' | 'cancelled' | 'refunded'; currency: string; total: number; amountDue: number; dueDate?: string | null } | undefined>;
  getClient(clientId: string): Promise<{ id: string; email: string; name: string } | undefined>;
  recordPayment(input: { invoiceId: string; amount: number; currency: string; gateway: string; transactionId: string; paidAt?: string }): Promise<{ recorded: boolean }>;
  recordRefund(input: { invoiceId: string; amount: number; currency: string; gateway: string; transactionId: string; refundId: string; reason?: string }): Promise<{ recorded: boolean }>;
  flagInvoice(invoiceId: string, flag: { reason: 'dispute'; reference: string; note?: string }): Promise<void>;
}

export interface GatewayBillingService {
  forTenant(trx: Knex.Transaction, tenantId: string): GatewayBilling;
}

export const gatewayBillingRef = serviceRef<GatewayBillingService>('billing.payments');

export function createGatewayBilling(plugin: Plugin): GatewayBillingService {
  return { forTenant: (trx, tenantId) => boundGatewayBilling(plugin, trx, tenantId) };
}

function boundGatewayBilling(plugin: Plugin, trx: Knex.Transaction, tenantId: string): GatewayBilling {
  // The payment and refund paths read no tenant setting, and reading them here could wait on a
  // second connection (PGlite has one) while the gateway's transaction holds it.
  const current = (): Promise<Billing> => billingFor(plugin, trx, tenantId, null, undefined, DEFAULT_SETTINGS);
  return {
    async getInvoice(invoiceId) {
      const b = await current();
      const row = (await b.db('invoices').where('id', invoiceId).first()) as Record<string, unknown> | undefined;
      if (!row) return undefined;
      return {
        id: row.id as string, number: (row.number as string | null) ?? null, clientId: row.client_id as string,
        status: row.status as 'unpaid', currency: row.currency as string, total: Number(row.total), amountDue: amountDue(row), dueDate: isoDate(row.due_date),
      };
    },
    async getClient(clientId) {
      const b = await current();
      const row = (await b.db('clients').where('id', clientId).first()) as Record<string, string | null> | undefined;
      if (!row) return undefined;
      return { id: row.id!, email: row.email!, name: row.company_name ?? `${row.first_name} ${row.last_name}` };
    },
    async recordPayment(input) {
      const { recorded } = await recordPayment(await current(), input);
      return { recorded };
    },
    async recordRefund(input) {
      return recordGatewayRefund(await current(), input);
    },
    async flagInvoice(invoiceId, flag) {
      const b = await current();
      await b.db.trx.raw(
        `UPDATE invoices SET flags = flags || ?::jsonb, updated_at = now() WHERE id = ? AND tenant_id = ? AND NOT flags @> ?::jsonb`,
        [JSON.stringify([{ ...flag, at: new Date().toISOString() }]), invoiceId, b.tenantId, JSON.stringify([{ reference: flag.reference }])],
      );
    },
  };
}

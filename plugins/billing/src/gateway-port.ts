import type { Knex } from 'knex';
import { serviceRef } from '@mpanel/sdk';
import { billingFor, type Billing } from './context.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import type { Plugin } from './routes/common.ts';
import { amountDue, type InvoiceRow } from './services/invoices.ts';
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
  // A gateway reads the invoice and then pays it in the same transaction (a webhook: getInvoice,
  // then recordPayment). The read takes the row lock the payment needs anyway, and the locked row
  // is handed to the next recordPayment of that invoice instead of being read again — once: the
  // payment changes the row.
  const locked = new Map<string, InvoiceRow>();
  return {
    async getInvoice(invoiceId) {
      const b = await current();
      const row = (await b.db('invoices').where('id', invoiceId).forUpdate().first()) as InvoiceRow | undefined;
      if (!row) return undefined;
      locked.set(row.id, row);
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
      const row = locked.get(input.invoiceId);
      locked.delete(input.invoiceId);
      const { recorded } = await recordPayment(await current(), input, row);
      return { recorded };
    },
    async recordRefund(input) {
      locked.delete(input.invoiceId);
      return recordGatewayRefund(await current(), input);
    },
    async flagInvoice(invoiceId, flag) {
      locked.delete(invoiceId);
      const b = await current();
      await b.db.trx.raw(
        `UPDATE invoices SET flags = flags || ?::jsonb, updated_at = now() WHERE id = ? AND tenant_id = ? AND NOT flags @> ?::jsonb`,
        [JSON.stringify([{ ...flag, at: new Date().toISOString() }]), invoiceId, b.tenantId, JSON.stringify([{ reference: flag.reference }])],
      );
    },
  };
}

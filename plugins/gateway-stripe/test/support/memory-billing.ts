import { randomUUID } from 'node:crypto';
import type { ClientForPayment, GatewayBilling, InvoiceForPayment, RecordPaymentInput, RecordRefundInput } from '../../src/billing-port.ts';

/**
 * Billing as the gateway sees it, in memory, per tenant, with billing's rules that matter here:
 * a payment is unique per (gateway, transaction id), a refund per (gateway, refund id), an invoice
 * is paid when payments cover its total. Stands in until the billing plugin's service is wired.
 */
export class MemoryBilling {
  readonly invoices = new Map<string, InvoiceForPayment & { tenantId: string; flags: string[] }>();
  readonly clients = new Map<string, ClientForPayment & { tenantId: string }>();
  readonly payments: Array<RecordPaymentInput & { tenantId: string }> = [];
  readonly refunds: Array<RecordRefundInput & { tenantId: string }> = [];

  addClient(tenantId: string): ClientForPayment {
    const client = { id: randomUUID(), email: `client-${this.clients.size}@example.test`, name: 'Ada Client', tenantId };
    this.clients.set(client.id, client);
    return client;
  }

  addInvoice(tenantId: string, clientId: string, total: number, currency = 'EUR'): InvoiceForPayment {
    const invoice = { id: randomUUID(), number: `INV-${this.invoices.size + 1}`, clientId, status: 'unpaid' as const, currency, total, amountDue: total, tenantId, flags: [] };
    this.invoices.set(invoice.id, invoice);
    return invoice;
  }

  invoice(id: string) {
    return this.invoices.get(id)!;
  }

  /** The tenant-bound view the gateway gets (another tenant's records do not exist for it). */
  forTenant(tenantId: string): GatewayBilling {
    const own = <T extends { tenantId: string }>(row: T | undefined) => (row && row.tenantId === tenantId ? row : undefined);
    return {
      getInvoice: async (id) => {
        const inv = own(this.invoices.get(id));
        return inv && { ...inv };
      },
      getClient: async (id) => own(this.clients.get(id)),
      recordPayment: async (input) => {
        const invoice = own(this.invoices.get(input.invoiceId));
        if (!invoice) throw new Error('no such invoice');
        if (this.payments.some((p) => p.tenantId === tenantId && p.gateway === input.gateway && p.transactionId === input.transactionId)) return { recorded: false };
        this.payments.push({ ...input, tenantId });
        invoice.amountDue = Math.max(0, invoice.amountDue - input.amount);
        if (invoice.amountDue === 0) invoice.status = 'paid';
        return { recorded: true };
      },
      recordRefund: async (input) => {
        const invoice = own(this.invoices.get(input.invoiceId));
        if (!invoice) throw new Error('no such invoice');
        if (this.refunds.some((r) => r.tenantId === tenantId && r.gateway === input.gateway && r.refundId === input.refundId)) return { recorded: false };
        this.refunds.push({ ...input, tenantId });
        const refunded = this.refunds.filter((r) => r.invoiceId === invoice.id).reduce((s, r) => s + r.amount, 0);
        if (refunded >= invoice.total) invoice.status = 'refunded';
        return { recorded: true };
      },
      flagInvoice: async (id, flag) => {
        own(this.invoices.get(id))!.flags.push(`${flag.reason}:${flag.reference}`);
      },
    };
  }
}

/**
 * The one instance the folder-loaded stand-in billing plugin and the HTTP tests share. On the
 * global object: the plugin loader may import this file under another URL than the test does.
 */
const holder = globalThis as { __mpanelStripeTestBilling?: MemoryBilling };
export const sharedBilling = (holder.__mpanelStripeTestBilling ??= new MemoryBilling());

import type { RouteDefinition } from '@mpanel/sdk';
import { ConflictError, NotFoundError, ValidationError } from '@mpanel/sdk';
import { billingOfRequest } from '../context.ts';
import { usableGateways } from '../usable-gateways.ts';
import { idParams, listQuery, listRoute, minor, objectBody, route, uuid, type Plugin } from './common.ts';
import { getInvoice, getInvoiceRow, listInvoices } from '../services/invoices.ts';
import { recordPayment } from '../services/payments.ts';
import { refundInvoice } from '../services/refunds.ts';
import { issueCreditNote, type CreditNoteInput } from '../services/credit-notes.ts';
import { getClient } from '../services/clients.ts';
import { renderInvoicePdf } from '../pdf/invoice-pdf.ts';

const status = { enum: ['draft', 'unpaid', 'paid', 'cancelled', 'refunded'] };
/** Payments, refunds and credit notes all move a positive amount of money (minor units). */
const positiveMinor = { ...minor, minimum: 1 } as const;

export function invoiceRoutes(plugin: Plugin): RouteDefinition[] {
  return [
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/invoices', permission: 'invoices.read', schema: { query: listQuery({ status, clientId: uuid }) },
    }, (b, q) => listInvoices(b, q, { status: q.status as string | undefined, clientId: q.clientId as string | undefined })),
    route(plugin, { method: 'GET', path: '/api/v1/invoices/:id', permission: 'invoices.read', schema: { params: idParams } },
      (b, ctx) => getInvoice(b, ctx.input.params.id)),
    route(plugin, {
      method: 'POST', path: '/api/v1/invoices/:id/payments', permission: 'payments.record', successStatus: 201,
      summary: 'Record a payment (staff); the same gateway + transactionId twice → 409',
      schema: {
        params: idParams,
        body: objectBody({
          amount: positiveMinor,
          gateway: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 50 },
          transactionId: { type: 'string', minLength: 1, maxLength: 200 },
          paidAt: { type: 'string', format: 'date-time' },
        }, ['amount', 'gateway', 'transactionId']),
      },
    }, async (b, ctx) => {
      const body = ctx.input.body as { amount: number; gateway: string; transactionId: string; paidAt?: string };
      if (body.gateway === 'credit') throw new ValidationError({ gateway: 'credit is applied by billing itself' });
      const { recorded } = await recordPayment(b, { invoiceId: ctx.input.params.id, ...body });
      if (!recorded) throw new ConflictError('This payment was already recorded', { transactionId: 'already recorded for this gateway' });
      return getInvoice(b, ctx.input.params.id);
    }),
    route(plugin, {
      method: 'POST', path: '/api/v1/invoices/:id/refunds', permission: 'invoices.refund', successStatus: 201,
      schema: { params: idParams, body: objectBody({ amount: positiveMinor, reason: { type: 'string', maxLength: 500 } }, ['amount']) },
    }, async (b, ctx) => {
      await refundInvoice(b, ctx.input.params.id, ctx.input.body as { amount: number; reason?: string });
      return getInvoice(b, ctx.input.params.id);
    }),
    route(plugin, {
      method: 'POST', path: '/api/v1/invoices/:id/credit-notes', permission: 'invoices.refund', successStatus: 201,
      summary: 'Issue a credit note for an invoice: reduces what is due, the rest becomes client credit; the invoice itself never changes',
      schema: {
        params: idParams,
        body: objectBody({
          amount: positiveMinor,
          reason: { type: 'string', minLength: 1, maxLength: 500 },
          lines: {
            type: 'array', maxItems: 100,
            items: objectBody({ description: { type: 'string', minLength: 1, maxLength: 500 }, amount: positiveMinor, taxable: { type: 'boolean' } }, ['description', 'amount']),
          },
        }, ['amount', 'reason']),
      },
    }, async (b, ctx) => {
      const result = await issueCreditNote(b, ctx.input.params.id, ctx.input.body as unknown as CreditNoteInput);
      return { ...result, creditNote: await getInvoice(b, result.creditNoteId), invoice: await getInvoice(b, ctx.input.params.id) };
    }),
    route(plugin, {
      method: 'POST', path: '/api/v1/invoices/:id/pay', permission: 'invoices.pay',
      summary: 'Start paying an invoice through a gateway; answers what the payer needs (client secret, redirect)',
      schema: { params: idParams, body: objectBody({ gateway: { type: 'string', maxLength: 50 }, returnUrl: { type: 'string', format: 'uri' } }, ['gateway']) },
    }, async (b, ctx) => {
      const body = ctx.input.body as { gateway: string; returnUrl?: string };
      const invoice = await getInvoice(b, ctx.input.params.id);
      if (invoice.amountDue <= 0) throw new ConflictError(`The invoice is ${invoice.status}`);
      const gateway = (await usableGateways(plugin, b.tenantId)).find((g) => g.key === body.gateway)?.impl;
      if (!gateway) throw new NotFoundError(`Payment gateway ${body.gateway} is not available`);
      const client = await getClient(b, invoice.clientId);
      const session = await gateway.createPayment({ tenantId: b.tenantId, settings: {} }, {
        invoiceId: invoice.id, invoiceNumber: invoice.number ?? invoice.id,
        amount: { amount: invoice.amountDue, currency: invoice.currency },
        customer: { clientId: client.id, email: client.email, name: client.companyName ?? `${client.firstName} ${client.lastName}` },
        returnUrl: body.returnUrl, metadata: { invoiceId: invoice.id, tenantId: b.tenantId },
        idempotencyKey: `pay:${invoice.id}:${invoice.amountPaid}`,
      });
      // The contract's flat shape for the portal (Stripe's Payment Element: clientSecret + publishableKey);
      // `client` keeps whatever else the gateway's portal component needs (manual: the instructions).
      const extra = session.client ?? {};
      return {
        gateway: body.gateway, id: session.id, status: session.status,
        clientSecret: session.clientSecret ?? null, redirectUrl: session.redirectUrl ?? null,
        paymentIntentId: session.clientSecret ? session.id : null,
        publishableKey: (extra.publishableKey as string | undefined) ?? null,
        amount: typeof extra.amount === 'number' ? extra.amount : invoice.amountDue,
        currency: invoice.currency,
        client: extra,
      };
    }),
    {
      method: 'GET', path: '/api/v1/invoices/:id/pdf', permission: 'invoices.read', tags: ['billing'], summary: 'The invoice as application/pdf',
      schema: { params: idParams },
      handler: async (ctx) => {
        const b = await billingOfRequest(plugin, ctx);
        const id = (ctx.input.params as { id: string }).id;
        await getInvoiceRow(b, id);
        const invoice = await getInvoice(b, id);
        const client = await getClient(b, invoice.clientId);
        // The tenant's brand (white-label, inherited from a reseller parent), never the platform's.
        const brand = await plugin.branding(b.tenantId);
        const pdf = await renderInvoicePdf(invoice, client, { ...brand, logo: await plugin.brandLogo(b.tenantId) }, b.settings);
        ctx.response.type = 'application/pdf';
        ctx.response.headers['Content-Disposition'] = `inline; filename="${invoice.number ?? invoice.id}.pdf"`;
        return pdf;
      },
    },
    route(plugin, { method: 'GET', path: '/api/v1/billing/gateways', permission: 'invoices.read', summary: 'Payment gateways this tenant has enabled and set up' },
      async (b) => (await usableGateways(plugin, b.tenantId)).map((g) => ({
        key: g.key, displayName: g.impl.displayName, plugin: g.owner, capabilities: g.impl.capabilities,
      }))),
  ];
}

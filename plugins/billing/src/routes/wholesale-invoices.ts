import type { RouteDefinition } from '@mpanel/sdk';
import { billingOfRequest } from '../context.ts';
import { withDefaults } from '../settings.ts';
import { idParams, route, type Plugin } from './common.ts';
import { wholesaleAccount, wholesaleInvoice, wholesaleInvoices } from '../services/wholesale-invoices.ts';
import { renderInvoicePdf } from '../pdf/invoice-pdf.ts';

/**
 * The reseller's wholesale account (`wholesale.purchase`): the invoices its parent issued to it,
 * their lines and PDF, and what it owes. Answered in the reseller's tenant; another tenant's
 * invoice, or any invoice for a tenant that is not a reseller billed by its parent, is a 404.
 */
export function wholesaleInvoiceRoutes(plugin: Plugin): RouteDefinition[] {
  const tags = ['billing', 'wholesale'];
  return [
    route(plugin, {
      method: 'GET', path: '/api/v1/wholesale-invoices', permission: 'wholesale.purchase', tags,
      summary: 'The invoices the parent tenant issued to this reseller, and the amount due per currency',
    }, (b) => wholesaleInvoices(b)),
    route(plugin, { method: 'GET', path: '/api/v1/wholesale-invoices/:id', permission: 'wholesale.purchase', tags, schema: { params: idParams } },
      (b, ctx) => wholesaleInvoice(b, ctx.input.params.id)),
    {
      method: 'GET', path: '/api/v1/wholesale-invoices/:id/pdf', permission: 'wholesale.purchase', tags, summary: 'A wholesale invoice as application/pdf',
      schema: { params: idParams },
      handler: async (ctx) => {
        const b = await billingOfRequest(plugin, ctx);
        const invoice = await wholesaleInvoice(b, (ctx.input.params as { id: string }).id);
        const account = await wholesaleAccount(b);
        // The seller is the parent: its brand and the seller fields of its billing settings.
        const brand = await plugin.branding(account.parentTenantId);
        const pdf = await renderInvoicePdf(invoice, account.client, { ...brand, logo: await plugin.brandLogo(account.parentTenantId) }, withDefaults(account.seller));
        ctx.response.type = 'application/pdf';
        ctx.response.headers['Content-Disposition'] = `inline; filename="${invoice.number ?? invoice.id}.pdf"`;
        return pdf;
      },
    },
  ];
}

import { NotFoundError, definePlugin, extensionPoints, ok, type ApiContext } from '@mpanel/sdk';
import { gatewayBillingRef } from '../../src/billing-port.ts';
import type { MemoryBilling } from './memory-billing.ts';

/**
 * A stand-in `billing` plugin for HTTP tests until the billing plugin provides `billing.payments`:
 * it serves the service from memory and `POST /api/v1/invoices/:id/pay`, dispatching to the gateway
 * through the PaymentGateway extension point the way billing is meant to.
 */
export function stubBillingPlugin(memory: MemoryBilling) {
  return definePlugin({
    manifest: {
      id: 'billing',
      name: 'Billing (test stand-in)',
      version: '0.1.0',
      engines: { mpanel: '>=0.1.0' },
      provides: { services: ['billing.payments'] },
      permissions: [{ name: 'invoices.pay', description: 'Pay an invoice', defaultRoles: ['admin', 'client'] }],
    },
    register(ctx) {
      ctx.services.provide(gatewayBillingRef, { forTenant: (_trx, tenantId) => memory.forTenant(tenantId) });
      ctx.routes.add({
        method: 'POST',
        path: '/api/v1/invoices/:id/pay',
        permission: 'invoices.pay',
        schema: { body: { type: 'object', required: ['gateway'], properties: { gateway: { type: 'string' } } } },
        handler: async (req: ApiContext<{ id: string }, Record<string, unknown>, { gateway: string }>) => {
          const tenantId = ctx.scope()!.tenantId!;
          const invoice = await memory.forTenant(tenantId).getInvoice(req.input.params.id);
          const gateway = ctx.extensions.get(extensionPoints.paymentGateway, req.input.body.gateway);
          if (!invoice || !gateway) throw new NotFoundError();
          const client = (await memory.forTenant(tenantId).getClient(invoice.clientId))!;
          const session = await gateway.createPayment(
            { tenantId, settings: {} },
            { invoiceId: invoice.id, invoiceNumber: invoice.number ?? '', amount: { amount: invoice.amountDue, currency: invoice.currency }, customer: { clientId: client.id, email: client.email, name: client.name } },
          );
          return ok(session);
        },
      });
    },
  });
}

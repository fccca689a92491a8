import { HttpError, MAX_AMOUNT, NotFoundError, assertClientOwns, definePlugin, extensionPoints, ok, type PaymentGateway, type RouteContext } from '@mpanel/sdk';
import { manualBillingRef, type ManualBilling } from './src/billing-port.ts';
import { GATEWAY, confirmManualPayment, renderInstructions, type ConfirmInput } from './src/confirm.ts';

interface ManualSettings {
  /** Shown to clients at checkout. */
  displayName: string;
  /** Shown on the invoice and in the portal; `{invoiceNumber}`, `{amount}`, `{currency}` are filled in. */
  instructions: string;
}

const CONFIRM = 'manual-payments.confirm';
const VIEW = 'manual-payments.view';

/**
 * Bank transfer, cheque, cash: the client is told how to pay, staff confirm the payment with its
 * reference. Proves the PaymentGateway interface is not Stripe-shaped.
 */
export default definePlugin<ManualSettings>({
  manifest: {
    id: 'gateway-manual',
    name: 'Manual payments',
    version: '0.1.0',
    description: 'Bank transfer, cheque or cash, confirmed by staff with a reference',
    category: 'gateway',
    license: 'MIT',
    engines: { mpanel: '>=0.1.0' },
    dependencies: { billing: '>=0.1.0' },
    resources: ['manual-payments'],
    requires: { services: ['billing.payments'] },
    // ui/src → ui/dist (mpanel plugin:build): the invoice-page panel with the instructions, loaded by the admin UI at run time.
    entry: { server: 'plugin.ts', ui: 'ui/dist/index.js' },
    permissions: [
      { name: CONFIRM, description: 'Confirm a manual payment (bank transfer, cheque, cash)', defaultRoles: ['admin', 'manager', 'billing'] },
      { name: VIEW, description: 'See the manual payment instructions', defaultRoles: ['admin', 'manager', 'billing', 'support', 'client'] },
    ],
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        displayName: { type: 'string', maxLength: 100, default: 'Bank transfer' },
        instructions: { type: 'string', maxLength: 5000, default: 'Please transfer {amount} {currency} quoting invoice {invoiceNumber}.' },
      },
    },
  },

  register(ctx) {
    /** Billing bound to the current request's transaction and tenant. */
    const billing = (): ManualBilling => {
      const service = ctx.services.tryResolve(manualBillingRef);
      if (!service) throw new HttpError(503, 'Billing is not available');
      const tenantId = ctx.scope()?.tenantId;
      if (!tenantId) throw new HttpError(400, 'No tenant');
      return service.forTenant(ctx.db.current(), tenantId);
    };
    const instructionsFor = async (tenantId: string, invoiceId: string) => {
      const invoice = await billing().getInvoice(invoiceId);
      if (!invoice) throw new NotFoundError();
      const settings = await ctx.settings.get(tenantId);
      return { invoice, displayName: settings.displayName ?? 'Bank transfer', instructions: renderInstructions(settings.instructions ?? '', invoice) };
    };

    const gateway: PaymentGateway<ManualSettings> = {
      displayName: 'Bank transfer',
      capabilities: { refunds: false, savedMethods: false, partialPayments: true },
      // Nothing to start at a provider: the "session" is the instructions the client follows.
      async createPayment(call, input) {
        const { invoice, displayName, instructions } = await instructionsFor(call.tenantId, input.invoiceId);
        return { id: `manual:${invoice.id}`, status: 'pending', client: { gateway: GATEWAY, displayName, instructions, reference: invoice.number } };
      },
      async testConnection() {
        return { ok: true };
      },
    };
    ctx.extensions.provide(extensionPoints.paymentGateway, GATEWAY, gateway);

    ctx.routes.add({
      method: 'GET',
      path: '/api/v1/gateway-manual/invoices/:id/instructions',
      permission: VIEW,
      tags: ['payments'],
      summary: 'How to pay this invoice by bank transfer / cheque / cash',
      schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } },
      handler: async (req: RouteContext<{ id: string }>) => {
        const { invoice, displayName, instructions } = await instructionsFor(ctx.scope()!.tenantId!, req.input.params.id);
        assertClientOwns(ctx.scope()?.principal ?? undefined, invoice.clientId);
        return ok({ invoiceId: invoice.id, displayName, instructions });
      },
    });
    ctx.routes.add({
      method: 'POST',
      path: '/api/v1/gateway-manual/invoices/:id/confirm',
      permission: CONFIRM,
      tags: ['payments'],
      summary: 'Staff confirm a payment received outside any API; the same reference twice → 409',
      successStatus: 201,
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } },
        body: {
          type: 'object',
          required: ['amount', 'reference'],
          additionalProperties: false,
          properties: {
            amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT },
            reference: { type: 'string', minLength: 1, maxLength: 200 },
            paidAt: { type: 'string', format: 'date-time' },
          },
        },
      },
      handler: async (req: RouteContext<{ id: string }, Record<string, unknown>, Omit<ConfirmInput, 'invoiceId'>>) =>
        ok(await confirmManualPayment(billing(), { ...req.input.body, invoiceId: req.input.params.id }), 'Payment recorded'),
    });
  },
});

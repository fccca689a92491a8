import { NotFoundError, type ConnectionTestResult, type PaymentGateway } from '@mpanel/sdk';
import { GATEWAY } from './call.ts';
import { startCheckout } from './checkout.ts';
import { stripeClient } from './client.ts';
import { currentCall, withCall, type StripePlugin } from './context.ts';
import { chargeOffSession } from './off-session.ts';
import { refundPayment } from './refunds.ts';
import { stripeJsUrl, type StripeSettings } from './settings.ts';

/**
 * Stripe behind billing's `PaymentGateway` extension point. Billing calls it inside its own
 * transaction; the gateway loads its tenant's settings itself (billing cannot read them) and
 * webhooks arrive on the plugin's own routes, so `handleWebhook` is not provided.
 */
export function stripeGateway(plugin: StripePlugin): PaymentGateway<StripeSettings> {
  const invoiceOf = async (call: Awaited<ReturnType<typeof currentCall>>, invoiceId: string) => {
    const invoice = await call.billing.getInvoice(invoiceId);
    if (!invoice) throw new NotFoundError();
    return invoice;
  };
  return {
    displayName: 'Card (Stripe)',
    capabilities: { refunds: true, savedMethods: true, partialPayments: false },

    // Both keys: the secret one for the API, the publishable one for the Payment Element in the browser.
    async isUsable(ctx) {
      const settings = await plugin.settings.get(ctx.tenantId);
      return Boolean(settings.secretKey && settings.publishableKey);
    },

    async createPayment(ctx, input) {
      const call = await currentCall(plugin, ctx.tenantId);
      const session = await startCheckout(call, await invoiceOf(call, input.invoiceId));
      const settings = await plugin.settings.get(ctx.tenantId);
      return {
        id: session.paymentIntentId,
        status: session.status === 'succeeded' ? 'succeeded' : 'requires_action',
        clientSecret: session.clientSecret,
        client: { gateway: GATEWAY, publishableKey: settings.publishableKey ?? null, stripeJsUrl: stripeJsUrl(), paymentIntentId: session.paymentIntentId, amount: session.amount, currency: session.currency },
      };
    },

    /**
     * Billing's charge step (attempt 1, between billing's own transactions) and this plugin's
     * retries. `client.skipped` tells billing the client has no saved card: nothing was attempted.
     */
    async chargeSaved(ctx, input) {
      const attempt = Number(input.metadata?.attempt ?? 0) || undefined;
      const result = await withCall(plugin, ctx.tenantId, async (call) => chargeOffSession(call, await invoiceOf(call, input.invoiceId), {
        attempt,
        paymentMethodId: input.paymentMethodId || undefined,
      }));
      const status = result.status === 'succeeded' ? 'succeeded' : result.status === 'requires_action' ? 'requires_action' : result.status === 'pending' ? 'pending' : 'failed';
      return { id: result.paymentIntentId ?? '', status, client: { attempt: result.attempt, reason: result.reason ?? null, skipped: result.status === 'skipped' } };
    },

    async refund(ctx, input) {
      const call = await currentCall(plugin, ctx.tenantId);
      const refund = await refundPayment(call, {
        transactionId: input.transactionId,
        amount: input.amount.amount,
        reason: input.reason,
        requestId: input.idempotencyKey ?? `${input.transactionId}:${input.amount.amount}`,
      });
      return { refundId: refund.id, status: refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' ? 'failed' : 'pending' };
    },

    async testConnection(ctx) {
      const settings = { ...(await plugin.settings.get(ctx.tenantId)), ...ctx.settings };
      return testKey(settings.secretKey);
    },
  };
}

/** The cheap call made when settings are saved: a wrong or revoked key fails here, not at checkout. */
export async function testKey(secretKey: string | undefined): Promise<ConnectionTestResult> {
  if (!secretKey) return { ok: false, message: 'No secret key' };
  try {
    await stripeClient(secretKey).balance.retrieve();
    return { ok: true };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

import { HttpError, NotFoundError, actingClientId, ok, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { currentBilling, currentCall, currentStore, stripeCall, type StripePlugin } from './context.ts';
import { testKey } from './gateway.ts';
import { cardView, completeCardSetup, removeCard, setDefaultCard, startCardSetup } from './payment-methods.ts';
import { reconcileIntent } from './reconcile.ts';
import { isUuid } from './sync-intent.ts';
import { verifyStripeEvent } from './verify.ts';
import { prefetchPaymentIntent, processStripeEvent } from './webhooks.ts';
import { stripeClient } from './client.ts';
import { stripeJsUrl } from './settings.ts';
import type { SettingsCache } from './settings-cache.ts';

export const PERMISSIONS = {
  cards: 'stripe-cards.manage',
  sync: 'stripe-payments.sync',
  settings: 'stripe-settings.test',
} as const;

/** Portal users act on their own client account; staff name the client. Another client's record is a 404. */
const clientOf = (ctx: RouteContext, requested: string | undefined): string => actingClientId(ctx.principal ?? undefined, requested);

export function stripeRoutes(plugin: StripePlugin, settingsCache: SettingsCache): RouteDefinition[] {
  /** The client owning card `:id`: a card of another tenant or client is a 404 before any Stripe setup check. */
  const ownCard = async (ctx: RouteContext<{ id: string }>, requested: string | undefined): Promise<string> => {
    const card = await currentStore(plugin).paymentMethodById(ctx.input.params.id);
    if (!card || (requested && requested !== card.client_id)) throw new NotFoundError();
    return clientOf(ctx, card.client_id);
  };
  /**
   * Webhooks: the signature is checked against the secret of the tenant named in the path (or
   * resolved from the Host) before anything else; the event then acts in a transaction of that
   * tenant. Runs without the request transaction, whose tenant would be the Host's.
   */
  const webhook = async (ctx: RouteContext) => {
    const tenantId = ctx.params.tenantId ?? ctx.tenant?.id;
    if (!tenantId || !isUuid(tenantId)) throw new HttpError(400, 'Unknown tenant');
    const settings = await settingsCache.get(tenantId).catch(() => undefined);
    const event = await verifyStripeEvent(ctx.rawBody, ctx.header('stripe-signature'), settings?.webhookSecret);
    // One transaction per event, opened only once Stripe has answered (no connection waits on the API).
    const prefetched = settings?.secretKey ? await prefetchPaymentIntent(stripeClient(settings.secretKey), event) : undefined;
    const outcome = await plugin.db.transaction(tenantId, async (trx) => processStripeEvent(await stripeCall(plugin, tenantId, trx, settings), event, prefetched));
    plugin.logger.info({ tenantId, event: event.id, type: event.type, outcome }, 'Stripe webhook');
    return { received: true, outcome };
  };
  const webhookRoute = { method: 'POST', public: true, scope: 'webhook', rawBody: true, transaction: false, tags: ['payments'], handler: webhook } as const;

  return [
    { ...webhookRoute, path: '/api/webhooks/stripe', summary: 'Stripe webhook (tenant from the Host)' },
    { ...webhookRoute, path: '/api/webhooks/stripe/:tenantId', summary: 'Stripe webhook for a tenant' },
    {
      method: 'POST',
      path: '/api/v1/gateway-stripe/return',
      permission: PERMISSIONS.sync,
      tags: ['payments'],
      summary: "The portal's return URL after paying: asks Stripe and records the payment if the webhook has not",
      schema: { body: { type: 'object', required: ['paymentIntentId'], additionalProperties: false, properties: { paymentIntentId: { type: 'string', pattern: '^pi_' } } } },
      handler: async (ctx: RouteContext<Record<string, string>, Record<string, unknown>, { paymentIntentId: string }>) => {
        const call = await currentCall(plugin);
        const row = await call.store.intent(ctx.input.body.paymentIntentId);
        if (!row) throw new NotFoundError();
        clientOf(ctx, row.client_id ?? undefined);
        const outcome = await reconcileIntent(call, row.payment_intent_id);
        return ok({ paymentIntentId: row.payment_intent_id, invoiceId: row.invoice_id, outcome });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/gateway-stripe/invoices/:id/intent',
      permission: PERMISSIONS.sync,
      tags: ['payments'],
      summary: "The invoice's open PaymentIntent (e.g. an automatic charge that needs 3-D Secure) for the portal to confirm with Stripe.js",
      schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } },
      handler: async (ctx: RouteContext<{ id: string }>) => {
        // Ownership first (404 for another tenant's or client's invoice), Stripe only then.
        const invoice = await currentBilling(plugin).getInvoice(ctx.input.params.id);
        if (!invoice) throw new NotFoundError();
        clientOf(ctx, invoice.clientId);
        const row = await currentStore(plugin).latestOpenIntent(invoice.id);
        if (!row || invoice.status !== 'unpaid') throw new NotFoundError('This invoice has no payment waiting for the client');
        const call = await currentCall(plugin);
        const pi = await call.stripe.paymentIntents.retrieve(row.payment_intent_id);
        return ok({
          invoiceId: invoice.id, paymentIntentId: pi.id, clientSecret: pi.client_secret, status: pi.status,
          amount: pi.amount, currency: invoice.currency, publishableKey: (await plugin.settings.get(call.tenantId)).publishableKey ?? null,
        });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/gateway-stripe/config',
      permission: PERMISSIONS.sync,
      tags: ['payments'],
      summary: 'What the Payment Element needs: the publishable key and where to load Stripe.js from',
      handler: async () => ok({ publishableKey: (await plugin.settings.get()).publishableKey ?? null, stripeJsUrl: stripeJsUrl() }),
    },
    {
      method: 'GET',
      path: '/api/v1/gateway-stripe/cards',
      permission: PERMISSIONS.cards,
      tags: ['payments'],
      schema: { query: { type: 'object', properties: { clientId: { type: 'string', format: 'uuid' } } } },
      handler: async (ctx: RouteContext<Record<string, string>, { clientId?: string }>) => {
        // The stored cards only: listing needs no Stripe key (a tenant that has not set Stripe up has none).
        const rows = await currentStore(plugin).paymentMethods(clientOf(ctx, ctx.input.query.clientId));
        return { data: rows.map(cardView), meta: { total: rows.length, page: 1, perPage: Math.max(rows.length, 1) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/gateway-stripe/cards/setup',
      permission: PERMISSIONS.cards,
      tags: ['payments'],
      summary: 'Starts saving a card: a SetupIntent for the Payment Element; the card is stored on setup_intent.succeeded',
      successStatus: 201,
      schema: { body: { type: 'object', additionalProperties: false, properties: { clientId: { type: 'string', format: 'uuid' } } } },
      handler: async (ctx: RouteContext<Record<string, string>, Record<string, unknown>, { clientId?: string }>) => {
        const call = await currentCall(plugin);
        const client = await call.billing.getClient(clientOf(ctx, ctx.input.body?.clientId));
        if (!client) throw new NotFoundError();
        const setup = await startCardSetup(call, client);
        return ok({ ...setup, publishableKey: (await plugin.settings.get(call.tenantId)).publishableKey ?? null });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/gateway-stripe/cards/setup/complete',
      permission: PERMISSIONS.cards,
      tags: ['payments'],
      summary: 'After stripe.confirmSetup: asks Stripe for the SetupIntent and saves its card if the webhook has not',
      schema: {
        body: {
          type: 'object',
          required: ['setupIntentId'],
          additionalProperties: false,
          properties: { setupIntentId: { type: 'string', pattern: '^seti_[A-Za-z0-9]+$', maxLength: 255 }, clientId: { type: 'string', format: 'uuid' } },
        },
      },
      handler: async (ctx: RouteContext<Record<string, string>, Record<string, unknown>, { setupIntentId: string; clientId?: string }>) => {
        const { setupIntentId, clientId } = ctx.input.body;
        // A SetupIntent of another client (or one staff did not name) is a 404, like a card's.
        const { outcome, card } = await completeCardSetup(await currentCall(plugin), setupIntentId, (owner) => {
          if (clientOf(ctx, clientId ?? owner) !== owner) throw new NotFoundError();
        });
        return ok({ setupIntentId, outcome, card: card ? cardView(card) : null });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/gateway-stripe/cards/:id/default',
      permission: PERMISSIONS.cards,
      tags: ['payments'],
      schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } }, body: { type: 'object', properties: { clientId: { type: 'string', format: 'uuid' } } } },
      handler: async (ctx: RouteContext<{ id: string }, Record<string, unknown>, { clientId?: string }>) => {
        const clientId = await ownCard(ctx, ctx.input.body?.clientId);
        await setDefaultCard(await currentCall(plugin), clientId, ctx.input.params.id);
        return ok({ id: ctx.input.params.id, isDefault: true });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/gateway-stripe/cards/:id',
      permission: PERMISSIONS.cards,
      tags: ['payments'],
      schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } }, query: { type: 'object', properties: { clientId: { type: 'string', format: 'uuid' } } } },
      handler: async (ctx: RouteContext<{ id: string }, { clientId?: string }>) => {
        const clientId = await ownCard(ctx, ctx.input.query.clientId);
        await removeCard(await currentCall(plugin), clientId, ctx.input.params.id);
        return ok({ id: ctx.input.params.id }, 'Card removed');
      },
    },
    {
      method: 'POST',
      path: '/api/v1/gateway-stripe/settings/test',
      permission: PERMISSIONS.settings,
      tags: ['payments'],
      summary: "Checks the stored secret key with a cheap API call (GET /v1/balance)",
      handler: async () => ok(await testKey((await plugin.settings.get()).secretKey)),
    },
  ] as RouteDefinition[];
}

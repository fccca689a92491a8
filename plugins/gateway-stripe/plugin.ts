import { VetoError, definePlugin, extensionPoints } from '@mpanel/sdk';
import { EVENTS, GATEWAY } from './src/call.ts';
import { stripeGateway, testKey } from './src/gateway.ts';
import { JOBS, chargeRetry, fanOutReconcile, reconcileTenant, scheduleRetry, type ChargeRetryData } from './src/jobs.ts';
import { PERMISSIONS, stripeRoutes } from './src/routes.ts';
import { settingsSchema, type StripeSettings } from './src/settings.ts';
import { SettingsCache } from './src/settings-cache.ts';

/**
 * Stripe for mPanel: invoice payments with the Payment Element, saved cards and automatic
 * off-session charges, refunds, signed webhooks processed once each, and reconciliation so a
 * missed webhook never leaves a paid invoice unpaid.
 */
export default definePlugin<StripeSettings>({
  manifest: {
    id: 'gateway-stripe',
    name: 'Stripe',
    version: '0.1.0',
    description: 'Card payments, saved cards, automatic charges, refunds and webhooks through Stripe',
    category: 'gateway',
    license: 'MIT',
    engines: { mpanel: '>=0.1.0' },
    dependencies: { billing: '>=0.1.0' },
    // Its permissions, Stripe's webhook path and the saved-card event; payment.* and invoice.* are billing's.
    resources: ['stripe', 'stripe-cards', 'stripe-payments', 'stripe-settings', 'payment-methods'],
    requires: { services: ['billing.payments'] },
    // ui/src → ui/dist (mpanel plugin:build): the portal's "Payment methods" page, loaded by the portal at run time.
    entry: { server: 'plugin.ts', ui: 'ui/dist/index.js' },
    ui: {
      // What the Payment Element needs (Stripe's CSP guide): Stripe.js, its frames, its API.
      externalOrigins: {
        scripts: ['https://js.stripe.com'],
        frames: ['https://js.stripe.com', 'https://hooks.stripe.com'],
        connect: ['https://api.stripe.com'],
      },
    },
    permissions: [
      { name: PERMISSIONS.cards, description: 'Save, list and remove Stripe cards', defaultRoles: ['admin', 'manager', 'billing', 'client'] },
      { name: PERMISSIONS.sync, description: 'Confirm a Stripe payment after the payment page', defaultRoles: ['admin', 'manager', 'billing', 'client'] },
      { name: PERMISSIONS.settings, description: 'Test the Stripe connection', defaultRoles: ['admin'] },
    ],
    events: { emits: Object.values(EVENTS) },
    settings: settingsSchema,
  },

  register(ctx) {
    const gateway = stripeGateway(ctx);
    // Billing's charge step makes attempt 1 through chargeSaved; this plugin owns the retries
    // (the tenant's retryScheduleDays), billing never retries. A skipped charge (no card) is not retried.
    const chargeSaved = gateway.chargeSaved!;
    gateway.chargeSaved = async (call, input) => {
      const session = await chargeSaved(call, input);
      if (!session.client?.skipped && (session.status === 'failed' || session.status === 'requires_action')) {
        await scheduleRetry(ctx, call.tenantId, input.invoiceId, Number(session.client?.attempt ?? 1));
      }
      return session;
    };
    ctx.extensions.provide(extensionPoints.paymentGateway, GATEWAY, gateway);
    const settingsCache = new SettingsCache(ctx);
    for (const route of stripeRoutes(ctx, settingsCache)) ctx.routes.add(route);

    ctx.jobs.define(JOBS.reconcile, () => fanOutReconcile(ctx), { attempts: 3 });
    ctx.jobs.define(JOBS.reconcileTenant, (job) => reconcileTenant(ctx, job), { attempts: 3 });
    ctx.jobs.define<ChargeRetryData>(JOBS.chargeRetry, (job) => chargeRetry(ctx, job), { attempts: 3 });
    ctx.jobs.schedule(JOBS.reconcile, '*/15 * * * *');

    // A test call when settings are saved (run by the settings route, when core offers the hook).
    ctx.hooks.on<{ pluginId: string; values: Partial<StripeSettings> }>('pluginSettings.beforeUpdate', async (payload) => {
      if (payload.pluginId !== 'gateway-stripe') return;
      settingsCache.clear();
      if (!payload.values.secretKey) return;
      const result = await testKey(payload.values.secretKey);
      if (!result.ok) throw new VetoError('Stripe rejected the secret key', { secretKey: result.message ?? 'invalid' });
    });
  },
});

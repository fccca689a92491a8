import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import type { BillingSettings } from './src/settings.ts';
import { clientRoutes } from './src/routes/clients.ts';
import { productRoutes } from './src/routes/catalogue.ts';
import { orderRoutes } from './src/routes/orders.ts';
import { invoiceRoutes } from './src/routes/invoices.ts';
import { serviceRoutes } from './src/routes/services.ts';
import { couponAndTaxRoutes } from './src/routes/rules.ts';
import { runRoutes } from './src/routes/runs.ts';
import { productGroupRoutes } from './src/routes/product-groups.ts';
import { ruleDetailRoutes } from './src/routes/rule-details.ts';
import { creditRoutes } from './src/routes/credit.ts';
import { reportRoutes } from './src/routes/reports.ts';
import { wholesaleRoutes } from './src/routes/wholesale.ts';
import { createGatewayBilling, gatewayBillingRef } from './src/gateway-port.ts';
import { billingServicesRef, createBillingServices } from './src/services-port.ts';
import { runBilling } from './src/run/billing-run.ts';
import { billingRunMetrics } from './src/run/run-metrics.ts';
import { registerMail } from './src/mail/notifications.ts';
import { registerCli } from './src/cli/billing-run-command.ts';
import { registerStaffNotifications } from './src/realtime/staff-notifications.ts';
import { isoDateOf } from './src/domain/dates.ts';

/**
 * Billing: the whole surface in one place — routes, the payments service for gateways, the daily
 * billing run and the mails that follow billing events.
 */
export default definePlugin<Partial<BillingSettings>>({
  manifest,
  register(ctx) {
    for (const routes of [clientRoutes, productRoutes, orderRoutes, invoiceRoutes, serviceRoutes, couponAndTaxRoutes, runRoutes, productGroupRoutes, ruleDetailRoutes, creditRoutes, reportRoutes, wholesaleRoutes]) {
      for (const r of routes(ctx)) ctx.routes.add(r);
    }
    ctx.services.provide(gatewayBillingRef, createGatewayBilling(ctx));
    ctx.services.provide(billingServicesRef, createBillingServices(ctx));
    // Core binds a portal user only to a client account that exists in the user's tenant.
    ctx.extensions.provide(extensionPoints.clientAccounts, 'billing', {
      async exists({ db }, clientId) {
        return (await db('clients').where({ id: clientId }).first('id')) !== undefined;
      },
    });

    // Daily at 03:00 UTC: one job per tenant with an idempotent id, so a tick seen twice bills once.
    ctx.jobs.define<{ date?: string }>('billing.run', async (job) => {
      const date = job.data.date ?? isoDateOf(new Date());
      if (job.tenantId) return runBilling(ctx, job.tenantId, date);
      // The daily tick fans out: one job per tenant where billing is enabled, each run as that tenant.
      await ctx.forEachTenant(async (tenant) => {
        await ctx.jobs.enqueue('billing.run', { date }, { tenantId: tenant.id, jobId: `billing.run:${tenant.id}:${date}` });
      });
      return null;
    }, { attempts: 3 });
    ctx.jobs.schedule('billing.run', '0 3 * * *', { tenantId: null });

    billingRunMetrics(ctx); // declared up front: the series exist (at 0) before the first run
    registerMail(ctx);
    registerStaffNotifications(ctx);
    registerCli(ctx);
  },
});

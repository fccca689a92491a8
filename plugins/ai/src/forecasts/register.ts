import { createTenantDb, type PluginContext } from '@mpanel/sdk';
import { sampleServers } from './capacity.ts';
import { forecastRoutes } from './routes.ts';

export const CAPACITY_SAMPLE_JOB = 'capacity-sample';

/**
 * Forecasts: plain statistics over billing's and hosting's tables, no language model. Routes
 * under /api/v1/forecasts, and a daily job that samples each server's load for the capacity trend.
 */
export function registerForecasts(ctx: PluginContext): void {
  for (const route of forecastRoutes()) ctx.routes.add(route);
  ctx.jobs.define(CAPACITY_SAMPLE_JOB, async () => {
    const today = new Date();
    await ctx.forEachTenant(async (tenant) => {
      await tenant.transaction((trx) => sampleServers(createTenantDb(trx, tenant.id), today));
    });
  }, { attempts: 3 });
  ctx.jobs.schedule(CAPACITY_SAMPLE_JOB, '17 2 * * *');
  // Declined payments are only events (billing stores the payments that went through): kept for churn.
  ctx.events.subscribe<{ clientId?: string; invoiceId?: string; gateway?: string }>('payment.failed', async (event, h) => {
    if (!event.tenantId || !UUID.test(event.payload.clientId ?? '')) return;
    const invoiceId = UUID.test(event.payload.invoiceId ?? '') ? event.payload.invoiceId : null;
    await h.trx('ai_payment_failures').insert({
      tenant_id: event.tenantId, event_id: event.id, client_id: event.payload.clientId, invoice_id: invoiceId,
      gateway: typeof event.payload.gateway === 'string' ? event.payload.gateway.slice(0, 64) : null, failed_at: event.occurredAt,
    }).onConflict(['tenant_id', 'event_id']).ignore();
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
}

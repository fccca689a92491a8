import type { PluginContext } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { openDesk } from '../desk.ts';
import { ticketRoutes } from '../routes/tickets.ts';
import { ticketActionRoutes } from '../routes/ticket-actions.ts';
import { departmentRoutes } from '../routes/departments.ts';
import { cannedReplyRoutes } from '../routes/canned-replies.ts';
import { attachmentRoutes } from '../routes/attachments.ts';
import { maintenanceRoutes } from '../routes/maintenance.ts';
import { runMaintenance } from './maintenance.ts';

/** Tickets: routes, and the maintenance job (SLA warnings, escalation, auto-close) every five minutes. */
export function registerTickets(plugin: PluginContext): void {
  const ctx = plugin as SupportContext;
  for (const routes of [ticketRoutes, ticketActionRoutes, departmentRoutes, cannedReplyRoutes, attachmentRoutes, maintenanceRoutes]) {
    for (const r of routes(ctx)) ctx.routes.add(r);
  }
  ctx.jobs.define<{ now?: string }>('tickets.maintenance', async (job) => {
    const now = job.data.now ? new Date(job.data.now) : new Date();
    if (job.tenantId) return job.transaction(async (trx) => runMaintenance(await openDesk(ctx, trx, job.tenantId!, now)));
    // The tick fans out: one job per tenant with support enabled, each in its own transaction.
    await ctx.forEachTenant(async (tenant) => {
      await ctx.jobs.enqueue('tickets.maintenance', { now: now.toISOString() }, { tenantId: tenant.id, jobId: `tickets.maintenance:${tenant.id}:${now.toISOString().slice(0, 16)}` });
    });
    return null;
  }, { attempts: 3 });
  ctx.jobs.schedule('tickets.maintenance', '*/5 * * * *', { tenantId: null });
}

import type { PluginContext } from '@mpanel/sdk';
import { settingsRoutes } from './settings-routes.ts';
import { ticketRoutes } from './ticket-routes.ts';
import { triageNewTicket } from './triage.ts';

/**
 * Ticket assistance: AI settings, usage and audit; drafts and triage for support's tickets.
 * Triage runs on support's `ticket.created`; the model call may take up to the client's timeout,
 * so the handler's own limit is above it.
 */
export function registerAssist(ctx: PluginContext): void {
  for (const r of [...settingsRoutes(ctx), ...ticketRoutes(ctx)]) ctx.routes.add(r);
  ctx.events.subscribe<{ ticketId: string }>('ticket.created', async (event, h) => {
    if (event.tenantId) await triageNewTicket(ctx, h.trx, event.tenantId, event.payload.ticketId, h.logger);
  }, { timeoutMs: 90_000, maxAttempts: 3 });
  ctx.retention.register({
    name: 'audit', table: 'ai_audit', ageColumn: 'created_at', defaultDays: 90, tenantSettable: true, minDays: 1, maxDays: 730,
    description: 'Prompts sent to the AI endpoint and its answers',
  });
  ctx.retention.register({ name: 'usage', table: 'ai_usage', ageColumn: 'created_at', defaultDays: 400, description: 'AI token usage per call' });
}

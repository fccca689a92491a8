import type { PluginContext } from '@mpanel/sdk';
import { assistantRoutes } from './routes.ts';

/** The assistant: chat routes for staff and for portal clients, its tools generated from the route registry. */
export function registerAssistant(ctx: PluginContext): void {
  for (const route of assistantRoutes(ctx)) ctx.routes.add(route);
  // Conversations hold what the tools returned (client data): kept only as long as the tenant
  // wants. Messages, tool calls and proposals go with their conversation (ON DELETE CASCADE).
  ctx.retention.register({
    name: 'assistant-conversations', table: 'ai_assistant_conversations', ageColumn: 'updated_at', defaultDays: 90,
    tenantSettable: true, minDays: 1, maxDays: 3650,
    description: 'Assistant conversations (questions, answers, tool results, proposals) idle for longer than this',
  });
}

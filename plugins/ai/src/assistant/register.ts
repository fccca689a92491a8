import type { PluginContext } from '@mpanel/sdk';
import { assistantRoutes } from './routes.ts';

/** The assistant: chat routes for staff and for portal clients, its tools generated from the route registry. */
export function registerAssistant(ctx: PluginContext): void {
  for (const route of assistantRoutes(ctx)) ctx.routes.add(route);
}

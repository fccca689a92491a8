import type { PluginContext, RouteDefinition } from '@mpanel/sdk';
export function hostingRoutes(_plugin: PluginContext): RouteDefinition[] { return []; }

import type { PluginContext } from '@mpanel/sdk';
import { registerIntents } from './intents.ts';
import { registerReadiness } from './readiness.ts';
import { provisioningRoutes } from './routes.ts';
import { registerSchedules } from './schedule.ts';
import { bindEngine } from './start.ts';
import { defineOperationWorkflow } from './workflow.ts';
import { registerClientNotices } from './client-notice.ts';
import { registerOrderQuota } from './order-quota.ts';

export { BILLING_INTENTS, PROVISIONING_EVENTS, ATTENTION_PERMISSION } from './names.ts';
export { startOperation } from './start.ts';

/**
 * The provisioning engine (HOSTING.md §6.4), registered by the hosting plugin: billing's service
 * events become operations run as durable workflows through the server's ProvisioningModule;
 * retries, ambiguous outcomes, supersede, needs-attention notices, reconciliation and the
 * operations API.
 */
export function registerProvisioning(plugin: PluginContext): void {
  bindEngine(plugin);
  defineOperationWorkflow(plugin);
  registerSchedules(plugin);
  registerIntents(plugin);
  registerReadiness(plugin);
  registerClientNotices(plugin);
  registerOrderQuota(plugin);
  for (const route of provisioningRoutes(plugin)) plugin.routes.add(route);
}

import type { PermissionDefinition, PluginManifest } from '@mpanel/sdk';
import { ASSIST_PERMISSIONS } from './assist/permissions.ts';
import { ASSISTANT_PERMISSIONS } from './assistant/permissions.ts';
import { FORECAST_PERMISSIONS } from './forecasts/permissions.ts';
import { aiSettingsSchema } from './llm/settings.ts';

/** Every area's permissions, one spread per area, so each area keeps its names next to its code. */
const PERMISSIONS: PermissionDefinition[] = [...ASSIST_PERMISSIONS, ...ASSISTANT_PERMISSIONS, ...FORECAST_PERMISSIONS];

export const manifest: PluginManifest = {
  id: 'ai',
  name: 'AI',
  version: '0.1.0',
  description: 'Ticket drafts and triage grounded in the knowledge base, a permission-bound assistant, and forecasts',
  license: 'MIT',
  category: 'feature',
  engines: { mpanel: '>=0.1.0' },
  // Forecasts read billing's history; drafts and triage read support's tickets and knowledge base.
  dependencies: { billing: '>=0.1.0', support: '>=0.1.0' },
  resources: ['ai', 'forecasts'],
  permissions: PERMISSIONS,
  // Triage suggestions for new tickets; declined payments for the churn forecast.
  events: { emits: [], subscribes: ['ticket.created', 'payment.failed'] },
  // Endpoint, sealed API key, models, budget, switches: edited through /api/v1/ai/settings.
  settings: aiSettingsSchema as unknown as Record<string, unknown>,
  // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};

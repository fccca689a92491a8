import { fileURLToPath } from 'node:url';
import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { createHestiaModule, type HestiaSettings } from './src/module.ts';

/**
 * HestiaCP servers (HOSTING.md §1, §5): the `hestia` ProvisioningModule drives Hestia's API with an
 * access key. Servers, credentials (sealed by the hosting plugin), operations, retries, import and
 * reconciliation are the hosting plugin's; this plugin only speaks Hestia.
 */
export default definePlugin<HestiaSettings>({
  directory: fileURLToPath(new URL('.', import.meta.url)),
  manifest: {
    id: 'provisioning-hestia',
    name: 'HestiaCP',
    version: '0.1.0',
    description: 'Provisioning on HestiaCP servers through the Hestia API: accounts, suspension, packages, import',
    category: 'provisioning',
    license: 'MIT',
    engines: { mpanel: '>=0.1.0' },
    dependencies: { hosting: '>=0.1.0' },
    entry: { server: 'plugin.ts' },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeoutSeconds: { type: 'integer', minimum: 5, maximum: 300, default: 30, description: 'How long one Hestia API call may take (Hestia restarts services inside some commands)' },
      },
    },
  },

  register(ctx) {
    ctx.extensions.provide(extensionPoints.provisioning, 'hestia', createHestiaModule({ settingsOf: (tenantId) => ctx.settings.get(tenantId), guard: (host) => ctx.net.resolvePublic(host) }));
  },
});

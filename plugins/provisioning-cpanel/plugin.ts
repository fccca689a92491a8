import { fileURLToPath } from 'node:url';
import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { createCpanelModule, type CpanelSettings } from './src/module.ts';

/**
 * cPanel & WHM (issue 19): provides the `cpanel` ProvisioningModule. Servers of module `cpanel`
 * are added in hosting's server form with their WHM API token (sealed with the server's other
 * credentials); the hosting plugin runs the lifecycle, reconciliation, packages and SSO through it.
 */
export default definePlugin<CpanelSettings>({
  directory: fileURLToPath(new URL('.', import.meta.url)),
  manifest: {
    id: 'provisioning-cpanel',
    name: 'cPanel & WHM',
    version: '0.1.0',
    description: 'Creates and manages cPanel accounts through WHM API 1; single sign-on into cPanel and WHM',
    category: 'provisioning',
    license: 'MIT',
    engines: { mpanel: '>=0.1.0' },
    dependencies: { hosting: '>=0.1.0' },
    entry: { server: 'plugin.ts' },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        requestTimeoutSeconds: { type: 'integer', minimum: 2, maximum: 600, default: 60, description: 'How long one WHM call may take (account creation can take tens of seconds)' },
      },
    },
  },

  register(ctx) {
    ctx.extensions.provide(extensionPoints.provisioning, 'cpanel', createCpanelModule({ settingsOf: (tenantId) => ctx.settings.get(tenantId), guard: (host) => ctx.net.resolvePublic(host) }));
  },
});

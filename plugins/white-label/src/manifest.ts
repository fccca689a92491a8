import type { PluginManifest } from '@mpanel/sdk';

export const PERMISSIONS = { read: 'white-label.read', write: 'white-label.write' } as const;
export const EVENTS = { brandChanged: 'white-label.brand-changed' } as const;

export const manifest: PluginManifest = {
  id: 'white-label',
  name: 'White label',
  version: '0.1.0',
  description: "A tenant's own brand on its portal and mails: name, logos, favicon, colour tokens, typography, login and footer text, legal links, mail sender; inherited by sub-tenants",
  license: 'MIT',
  category: 'branding',
  engines: { mpanel: '>=0.1.0' },
  resources: ['white-label'],
  permissions: [
    { name: PERMISSIONS.read, description: "See the tenant's brand settings", defaultRoles: ['super_admin', 'admin', 'manager'] },
    { name: PERMISSIONS.write, description: "Change the tenant's brand: name, logos, colours, texts, mail sender", defaultRoles: ['super_admin', 'admin'] },
  ],
  events: { emits: Object.values(EVENTS), subscribes: [] },
  // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};

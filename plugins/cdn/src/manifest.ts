import type { PluginManifest } from '@mpanel/sdk';

const STAFF = ['super_admin', 'admin', 'manager', 'technician'];

export const PERMISSIONS = { read: 'cdn.read', write: 'cdn.write', purge: 'cdn.purge' } as const;
export const EVENTS = { enabled: 'cdn.enabled', disabled: 'cdn.disabled', purged: 'cdn.purged', settingsChanged: 'cdn.settings-changed' } as const;

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // The CdnProvider key used when an enable request names none.
    defaultProvider: { type: 'string', pattern: '^[a-z0-9-]{1,40}$', default: 'cloudflare', title: 'Default CDN provider' },
    // Where the CDN fetches from when the website's server address is not visible to the caller (a client).
    defaultOrigin: { type: 'string', maxLength: 253, pattern: '^[A-Za-z0-9.:-]+$', title: 'Origin address (IP or host name) for clients\' websites' },
  },
} as const;

export interface CdnSettings {
  defaultProvider: string;
  defaultOrigin: string;
}

export const manifest: PluginManifest = {
  id: 'cdn',
  name: 'CDN',
  version: '0.1.0',
  description: 'A CDN in front of hosting websites: enable, disable, status, purge by URL, prefix or everything, cache settings',
  license: 'MIT',
  category: 'feature',
  engines: { mpanel: '>=0.1.0' },
  // Websites are the hosting plugin's: read through its API as the caller (ownership rules included).
  dependencies: { hosting: '>=0.1.0' },
  resources: ['cdn'],
  permissions: [
    { name: PERMISSIONS.read, description: 'See the CDN status and cache settings of websites', defaultRoles: [...STAFF, 'support', 'client'] },
    { name: PERMISSIONS.write, description: 'Enable and disable the CDN of websites and change its cache settings', defaultRoles: [...STAFF, 'client'] },
    { name: PERMISSIONS.purge, description: 'Purge the CDN cache of websites', defaultRoles: [...STAFF, 'client'] },
  ],
  // hosting's outcome of removing a website or terminating an account: the CDN lets go of it.
  events: { emits: Object.values(EVENTS), subscribes: ['provisioning.succeeded'] },
  settings: settingsSchema as unknown as Record<string, unknown>,
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};

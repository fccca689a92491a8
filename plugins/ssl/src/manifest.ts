import type { PermissionDefinition, PluginManifest } from '@mpanel/sdk';
import { SETTINGS_SCHEMA } from './settings.ts';

const STAFF = ['super_admin', 'admin', 'manager', 'technician'];

export const PERMISSIONS: PermissionDefinition[] = [
  { name: 'certificates.read', description: 'See SSL certificates, their expiry, renewal schedule and last error (clients: their own)', defaultRoles: [...STAFF, 'support', 'client'] },
  { name: 'certificates.write', description: 'Request, renew now and delete SSL certificates (clients: for their own websites); be alerted about failing and expiring ones', defaultRoles: [...STAFF, 'client'] },
];

export const EVENTS = ['certificate.issued', 'certificate.failed'];

export const manifest: PluginManifest = {
  id: 'ssl',
  name: 'SSL certificates',
  version: '0.1.0',
  description: 'ACME certificates (Let\'s Encrypt, ZeroSSL, any CA): http-01 on the site\'s server, dns-01 through mPanel\'s DNS, renewal with back-off and alerts',
  license: 'MIT',
  category: 'feature',
  engines: { mpanel: '>=0.1.0' },
  // Certificates belong to billing's clients; websites come from hosting, zones from dns, alerts from notifications.
  dependencies: { billing: '>=0.1.0' },
  optionalDependencies: { hosting: '>=0.1.0', notifications: '>=0.1.0', dns: '>=0.1.0' },
  requires: { services: ['hosting.sites', 'dns.zones', 'notifications'] },
  resources: ['ssl', 'certificates', 'acme-accounts', 'panel-certificates', 'server-certificates', 'acme-challenges'],
  permissions: PERMISSIONS,
  events: { emits: EVENTS, subscribes: [] },
  settings: SETTINGS_SCHEMA as unknown as Record<string, unknown>,
  // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};

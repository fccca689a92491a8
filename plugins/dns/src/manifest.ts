import type { PermissionDefinition, PluginManifest } from '@mpanel/sdk';
import { settingsSchema } from './publish.ts';

const OWNERS = ['super_admin', 'admin'];
const STAFF = [...OWNERS, 'manager', 'technician'];
const SUPPORT = [...STAFF, 'support'];

const perm = (name: string, description: string, defaultRoles: string[]): PermissionDefinition => ({ name, description, defaultRoles });

/**
 * Clients act on the zones of their own client account (the ownership rule: `client_id` of the
 * zone), so `client` holds the zone and record permissions; NS and PTR records (the delegation)
 * need `dns.records.protected`, which clients do not get by default.
 */
export const PERMISSIONS: PermissionDefinition[] = [
  perm('dns.zones.read', 'See DNS zones, their records, history, publication and DNSSEC state', [...SUPPORT, 'client']),
  perm('dns.zones.write', 'Create, import into, sign (DNSSEC) and delete DNS zones', [...STAFF, 'client']),
  perm('dns.records.write', 'Add, change and delete A, AAAA, CNAME, MX, TXT, SRV and CAA records', [...STAFF, 'client']),
  perm('dns.records.protected', 'Change NS and PTR records (the zone\'s delegation)', STAFF),
  perm('dns.templates.read', 'See zone templates', STAFF),
  perm('dns.templates.write', 'Edit zone templates (default records, branded nameservers)', OWNERS),
];

export const manifest: PluginManifest = {
  id: 'dns',
  name: 'DNS',
  version: '0.1.0',
  description: 'DNS zones and records (mPanel is the source of truth), published to a DNS provider; templates, history, BIND import/export, DNSSEC',
  license: 'MIT',
  category: 'dns',
  engines: { mpanel: '>=0.1.0' },
  // Zones belong to billing's client accounts.
  dependencies: { billing: '>=0.1.0' },
  provides: { services: ['dns.zones'] },
  permissions: PERMISSIONS,
  settings: settingsSchema as unknown as Record<string, unknown>,
  // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};

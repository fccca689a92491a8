import type { PermissionDefinition, PluginManifest } from '@mpanel/sdk';
import { BILLING_INTENTS, PROVISIONING_EVENTS, PROVISIONING_SETTINGS } from './provisioning/names.ts';
import { DNS_SETTINGS } from './dns/zones.ts';
import { MAIL_SETTINGS } from './dns/mail-records.ts';

const OWNERS = ['super_admin', 'admin'];
const STAFF = [...OWNERS, 'manager'];
const TECH = [...STAFF, 'technician'];
const SUPPORT = [...TECH, 'support'];

function perm(name: string, description: string, defaultRoles: string[]): PermissionDefinition {
  return { name, description, defaultRoles };
}

/**
 * Client users act on their own hosting accounts only (the ownership rule: `client_id` of the
 * account), so `client` may hold the account-resource permissions. Servers and groups are staff
 * only; a reseller's staff see their grants, never the parent's servers.
 */
export const PERMISSIONS: PermissionDefinition[] = [
  perm('servers.read', 'See servers, their status, capacity and facts', TECH),
  perm('servers.write', 'Add, edit, drain and remove servers; set their credentials', OWNERS),
  perm('server-groups.read', 'See server groups and reseller grants', TECH),
  perm('server-groups.write', 'Edit server groups and grant capacity to reseller tenants', OWNERS),
  perm('hosting-plans.read', 'See hosting plans and their limits', SUPPORT),
  perm('hosting-plans.write', 'Edit hosting plans', STAFF),
  perm('hosting-accounts.read', 'See hosting accounts (intent, observed state, drift)', [...SUPPORT, 'client']),
  perm('hosting-accounts.sso', 'Log in to the control panel of a hosting account (single sign-on)', [...TECH, 'client']),
  perm('hosting-accounts.write', 'Create, place and change hosting accounts', TECH),
  perm('websites.read', 'See websites of hosting accounts', [...SUPPORT, 'client']),
  perm('websites.write', 'Add, change and remove websites', [...TECH, 'client']),
  perm('databases.read', 'See databases of hosting accounts', [...SUPPORT, 'client']),
  perm('databases.write', 'Create, reset and remove databases', [...TECH, 'client']),
  perm('sftp-users.read', 'See SFTP users of hosting accounts', [...SUPPORT, 'client']),
  perm('sftp-users.write', 'Add, change and remove SFTP users', [...TECH, 'client']),
  perm('cron-jobs.read', 'See cron jobs of hosting accounts', [...SUPPORT, 'client']),
  perm('cron-jobs.write', 'Add, change and remove cron jobs', [...TECH, 'client']),
  // `mail` is core's resource (outgoing mail): mail hosting has one per kind.
  perm('mail-domains.read', 'See mail domains of hosting accounts, their DNS check and mail client settings', [...SUPPORT, 'client']),
  perm('mail-domains.write', 'Add, change (catch-all) and remove mail domains', [...TECH, 'client']),
  perm('mailboxes.read', 'See mailboxes (quota, send limit, autoresponder; never passwords)', [...SUPPORT, 'client']),
  perm('mailboxes.write', 'Create and remove mailboxes, change their password, quota, send limit and autoresponder', [...TECH, 'client']),
  perm('mailboxes.counters', "See mailboxes' sending counters and usage as the server reports them (outgoing abuse limits)", SUPPORT),
  perm('mail-aliases.read', 'See forwarders of mail domains', [...SUPPORT, 'client']),
  perm('mail-aliases.write', 'Add, change and remove forwarders', [...TECH, 'client']),
  perm('provisioning.read', 'See provisioning operations and their steps', TECH),
  perm('hosting-imports.run', "Import a server's existing accounts as clients and services (preview, run; the CLI's --as user too)", OWNERS),
  perm('provisioning.manage', 'Retry and cancel provisioning operations; be told when one needs attention', TECH),
];

export const manifest: PluginManifest = {
  id: 'hosting',
  name: 'Hosting',
  version: '0.1.0',
  description: 'Servers, reseller grants, hosting plans and accounts, websites, databases, SFTP users, cron and provisioning operations',
  license: 'MIT',
  category: 'feature',
  engines: { mpanel: '>=0.1.0' },
  dependencies: { billing: '>=0.1.0' },
  // The client's provisioning notices go through the notifications plugin's templates when it is there.
  // New accounts' and websites' zones go through the dns plugin's `dns.zones` when it is there (setting `dnsZones`).
  optionalDependencies: { notifications: '>=0.1.0', dns: '>=0.1.0' },
  resources: ['servers', 'server-groups', 'hosting-plans', 'hosting-accounts', 'websites', 'databases', 'sftp-users', 'cron-jobs', 'mail-domains', 'mailboxes', 'mail-aliases', 'provisioning', 'hosting', 'hosting-imports'],
  permissions: PERMISSIONS,
  // The provisioning engine (src/provisioning): billing's service intents in, outcomes out.
  requires: { services: ['billing.services', 'notifications', 'dns.zones'] },
  provides: { services: ['hosting.sites'] },
  events: { emits: [...PROVISIONING_EVENTS], subscribes: [...BILLING_INTENTS, ...PROVISIONING_EVENTS] },
  settings: { type: 'object', additionalProperties: false, properties: { ...PROVISIONING_SETTINGS, ...DNS_SETTINGS, ...MAIL_SETTINGS } },
  // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};

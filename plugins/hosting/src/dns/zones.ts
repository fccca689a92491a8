import { isIP } from 'node:net';
import { dnsZonesRef, type PluginContext, type TenantDb } from '@mpanel/sdk';

/**
 * Hosting's zones (issue 17 §2): when the tenant's hosting setting `dnsZones` is on and the dns
 * plugin provides `dns.zones`, a new hosting account (its domain) and each new website get their
 * zone from the tenant's zone template, with the server's addresses as template variables, owned
 * by `hosting-account:<id>`; terminating the account removes the zones it owns. Without the dns
 * plugin (or with the setting off) hosting works exactly as before.
 *
 * The zone calls run in a savepoint of the caller's transaction: a zone the dns plugin refuses
 * (another tenant's domain, a name under someone else's zone) is logged and leaves the account or
 * website as it is, instead of failing the request.
 */
export const DNS_SETTINGS = {
  dnsZones: {
    type: 'boolean',
    default: false,
    description: "Create each new hosting account's and website's DNS zone from the zone template (server IP as {{ip}}) and remove it when the account is terminated; needs the dns plugin",
  },
} as const;

export const ownerOf = (accountId: string): string => `hosting-account:${accountId}`;
/** A website's own zone goes with the website (removing the website removes it), and with its account. */
export const websiteOwnerOf = (websiteId: string): string => `hosting-website:${websiteId}`;

interface ZoneTarget {
  accountId: string;
  /** Set for a website's zone. */
  websiteId?: string;
  domain: string | null | undefined;
  serverId: string | null | undefined;
  clientId?: string | null;
}

async function wanted(plugin: PluginContext, tenantId: string): Promise<boolean> {
  const settings = (await plugin.settings.get(tenantId).catch(() => ({}))) as { dnsZones?: boolean };
  return settings.dnsZones === true;
}

/** Template variables: the server's address (`ip` for IPv4, `ipv6` for IPv6), host name, domain. */
async function variablesFor(db: TenantDb, serverId: string | null | undefined, domain: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = { domain };
  if (!serverId) return vars;
  const server = (await db('servers').where('servers.id', serverId).first('hostname', 'address', 'facts')) as { hostname: string; address: string | null; facts: Record<string, unknown> | null } | undefined;
  if (!server) return vars;
  vars.hostname = server.hostname;
  const candidates = [server.address, server.facts?.publicIpv4, server.facts?.publicIpv6, server.facts?.ip, server.facts?.ipv6].filter((v): v is string => typeof v === 'string');
  for (const c of candidates) {
    const family = isIP(c);
    if (family === 4 && !vars.ip) vars.ip = c;
    if (family === 6 && !vars.ipv6) vars.ipv6 = c;
  }
  return vars;
}

/**
 * Ensures the zone of a new account or website. Returns what happened, for logs and tests:
 * `off` (setting off or no dns plugin), `inside` (the name is in one of the tenant's zones
 * already), `created`/`exists`, or `failed` (logged; the caller carries on).
 */
export async function ensureHostingZone(plugin: PluginContext, db: TenantDb, target: ZoneTarget): Promise<'off' | 'inside' | 'created' | 'exists' | 'failed'> {
  const domain = target.domain?.trim().toLowerCase().replace(/\.$/, '');
  if (!domain) return 'off';
  const service = plugin.services.tryResolve(dnsZonesRef);
  if (!service || !(await wanted(plugin, db.tenantId))) return 'off';
  const variables = await variablesFor(db, target.serverId, domain);
  try {
    return await db.trx.transaction(async (sp) => {
      const zones = service.forTenant(sp, db.tenantId);
      const found = await zones.findZoneFor(domain);
      if (found && found.name.replace(/\.$/, '') !== domain) return 'inside' as const;
      const zone = await zones.ensureZone({ name: domain, fromTemplate: true, variables, clientId: target.clientId ?? null, owner: target.websiteId ? websiteOwnerOf(target.websiteId) : ownerOf(target.accountId) });
      return zone.created ? ('created' as const) : ('exists' as const);
    });
  } catch (err) {
    plugin.logger.warn({ err, accountId: target.accountId, domain }, 'hosting: the DNS zone could not be created; the account or website is kept without it');
    return 'failed';
  }
}

/** Removes the zones a terminated account owns (its own and its websites'), when the dns plugin is there. */
export async function removeHostingZones(plugin: PluginContext, db: TenantDb, accountId: string): Promise<number> {
  const websites = (await db('websites').where({ account_id: accountId }).pluck('id')) as string[];
  return removeOwned(plugin, db, [ownerOf(accountId), ...websites.map(websiteOwnerOf)], { accountId });
}

/** Removes the zone hosting created for a website that is being removed. */
export function removeWebsiteZone(plugin: PluginContext, db: TenantDb, websiteId: string): Promise<number> {
  return removeOwned(plugin, db, [websiteOwnerOf(websiteId)], { websiteId });
}

async function removeOwned(plugin: PluginContext, db: TenantDb, owners: string[], log: Record<string, string>): Promise<number> {
  const service = plugin.services.tryResolve(dnsZonesRef);
  if (!service) return 0;
  try {
    return await db.trx.transaction(async (sp) => {
      const zones = service.forTenant(sp, db.tenantId);
      let removed = 0;
      for (const owner of owners) removed += await zones.removeZonesOwnedBy(owner);
      return removed;
    });
  } catch (err) {
    plugin.logger.warn({ err, ...log }, 'hosting: DNS zones hosting created could not be removed');
    return 0;
  }
}

import type { Knex } from 'knex';
import {
  NotFoundError, ProvisioningError, createTenantDb,
  type HostedServer, type HostedSite, type HostingSites, type HostingSitesService, type PluginContext, type ProvisioningCall, type ProvisioningModule,
} from '@mpanel/sdk';
import { buildCall, loadCallParts, loadServer, moduleOf, operationContext, type ServerRow } from './provisioning/account-call.ts';
import { normaliseDomain } from './resources/domains.ts';
import { serverModuleCall } from './servers/module-call.ts';
import { serverMailHost } from './dns/mail-records.ts';

interface SiteRow {
  id: string; account_id: string; domain: string; aliases: string[] | null; state: string; redirect_https: boolean; certificate_id: string | null;
  client_id: string; server_id: string | null; server_address: string | null; server_hostname: string | null;
}

function siteQuery(trx: Knex.Transaction, tenantId: string) {
  const db = createTenantDb(trx, tenantId);
  return db('websites')
    .join('hosting_accounts', 'hosting_accounts.id', 'websites.account_id')
    .leftJoin('servers', 'servers.id', 'hosting_accounts.server_id')
    .whereNot('websites.state', 'removed')
    .select(
      'websites.id', 'websites.account_id', 'websites.domain', 'websites.aliases', 'websites.state', 'websites.redirect_https', 'websites.certificate_id',
      'hosting_accounts.client_id', 'hosting_accounts.server_id', 'servers.address as server_address', 'servers.hostname as server_hostname',
    );
}

function view(row: SiteRow): HostedSite {
  return {
    id: row.id, accountId: row.account_id, clientId: row.client_id, serverId: row.server_id, serverAddress: row.server_address,
    serverHostname: row.server_hostname, domain: row.domain, aliases: row.aliases ?? [], state: row.state,
    redirectHttps: row.redirect_https, certificateId: row.certificate_id,
  };
}

const serverView = (row: ServerRow): HostedServer => ({ id: row.id, name: row.name, hostname: row.hostname, mailHost: serverMailHost(row.hostname), address: row.address });

/**
 * `hosting.sites` (sdk/src/hosting-sites.ts): what certificate plugins need of a website, and the
 * three calls that reach its server through the server's ProvisioningModule (`certificates`).
 */
export function createHostingSitesService(plugin: PluginContext): HostingSitesService {
  /** Loads the site's account, server and module in one transaction, then calls outside it. */
  const withModule = async (tenantId: string, siteId: string, what: string, fn: (module: NonNullable<ProvisioningModule['certificates']>, call: ProvisioningCall, site: SiteRow) => Promise<void>) => {
    const loaded = await plugin.db.transaction(tenantId, async (trx) => {
      const site = (await siteQuery(trx, tenantId).where('websites.id', siteId).first()) as SiteRow | undefined;
      if (!site) return null;
      const parts = await loadCallParts(plugin, createTenantDb(trx, tenantId), site.account_id);
      return { site, parts };
    });
    if (!loaded) throw new NotFoundError('Website not found');
    if ('missing' in loaded.parts) throw new ProvisioningError(`Cannot ${what} for ${loaded.site.domain}: ${loaded.parts.missing}`, 'NOT_FOUND');
    const module = await moduleOf(plugin, tenantId, loaded.parts.server);
    if (!module.certificates) throw new ProvisioningError(`The ${module.displayName} module of server ${loaded.parts.server.hostname} cannot ${what}`, 'UNSUPPORTED');
    const settings = await plugin.settings.get(tenantId).catch(() => ({}));
    const op = { id: `cert:${siteId}`, action: 'resource.ensure', idempotency_key: `cert:${siteId}:${Date.now()}` };
    const call = buildCall(plugin, loaded.parts, operationContext(op, 1, () => undefined), settings as Record<string, unknown>);
    await fn(module.certificates, call, loaded.site);
  };

  return {
    forTenant(trx, tenantId): HostingSites {
      return {
        async findByName(name) {
          const n = normaliseDomain(name);
          const row = (await siteQuery(trx, tenantId)
            .where((q) => q.whereRaw('lower(websites.domain) = ?', [n]).orWhereRaw('? = ANY(websites.aliases)', [n]))
            .orderBy('websites.created_at').first()) as SiteRow | undefined;
          return row ? view(row) : null;
        },
        async get(siteId) {
          const row = (await siteQuery(trx, tenantId).where('websites.id', siteId).first()) as SiteRow | undefined;
          return row ? view(row) : null;
        },
        async server(serverId) {
          const row = await loadServer(createTenantDb(trx, tenantId), serverId);
          return row ? serverView(row) : null;
        },
        async serverByHost(name) {
          const row = (await createTenantDb(trx, tenantId)('servers').whereRaw("lower(rtrim(servers.hostname, '.')) = ?", [serverMailHost(name)])
            .orderBy('servers.created_at').first()) as ServerRow | undefined;
          return row ? serverView(row) : null;
        },
      };
    },
    putChallenge: (tenantId, siteId, challenge) => withModule(tenantId, siteId, 'put an ACME challenge', (m, call) => m.putChallenge(call, { siteId, ...challenge })),
    removeChallenge: (tenantId, siteId, token) => withModule(tenantId, siteId, 'remove an ACME challenge', (m, call) => m.removeChallenge(call, { siteId, token })),
    installCertificate: (tenantId, siteId, cert) => withModule(tenantId, siteId, 'install a certificate', async (m, call, site) => {
      await m.install(call, { siteId, domain: site.domain, certPem: cert.certPem, keyPem: cert.keyPem, forceHttps: site.redirect_https });
      await plugin.db.transaction(tenantId, (trx) => createTenantDb(trx, tenantId)('websites').where('websites.id', siteId).update({ certificate_id: cert.certificateId, updated_at: new Date() }));
    }),
    async installServerCertificate(tenantId, serverId, cert) {
      const { server, module, call } = await serverModuleCall(plugin, tenantId, serverId);
      if (!module.certificates?.installServer) throw new ProvisioningError(`The ${module.displayName} module of server ${server.hostname} cannot install a server certificate`, 'UNSUPPORTED');
      return module.certificates.installServer(call, cert);
    },
  };
}

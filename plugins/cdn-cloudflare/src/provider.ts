import { isIP } from 'node:net';
import Cloudflare from 'cloudflare';
import { CdnProviderError, type CdnCacheSettings, type CdnProvider, type CdnPurgeTarget, type CdnSite, type ExtensionCallContext, type PluginContext } from '@mpanel/sdk';
import { toCdnError } from './errors.ts';
import { DEFAULT_API, type CloudflareSettings } from './settings.ts';

/** Cloudflare's documented choices for browser_cache_ttl (seconds; 0 respects the origin's headers). */
export const BROWSER_CACHE_TTLS = [0, 30, 60, 120, 300, 1200, 1800, 3600, 7200, 10800, 14400, 18000, 28800, 43200, 57600, 72000, 86400, 172800, 259200, 345600, 432000, 691200, 1382400, 2073600, 2678400, 5356800, 16070400, 31536000] as const;

/** Purge requests carry at most this many URLs or prefixes (Cloudflare's per-call limit for prefixes). */
export const PURGE_CHUNK = 30;

interface Call {
  client: Cloudflare;
  settings: Partial<CloudflareSettings>;
  retries: number;
}

type Zone = { id: string; name: string; status?: string; paused?: boolean; name_servers?: string[] };
type DnsRecord = { id: string; name?: string; type?: string; content?: string; proxied?: boolean };

/** `<zone id>:<record id>`: a site is one proxied record in one zone. */
function parseSiteId(siteId: string): { zoneId: string; recordId: string } {
  const m = /^([0-9a-f]{32}):([0-9a-f]{32})$/.exec(siteId);
  if (!m) throw new CdnProviderError(`Not a Cloudflare site id: ${siteId}`, 'NOT_FOUND');
  return { zoneId: m[1]!, recordId: m[2]! };
}

function recordTypeOf(origin: string): 'A' | 'AAAA' | 'CNAME' {
  const v = isIP(origin);
  return v === 4 ? 'A' : v === 6 ? 'AAAA' : 'CNAME';
}

function toSite(zone: Zone, record: DnsRecord, hostname: string): CdnSite {
  let status: CdnSite['status'];
  let statusDetail: string | undefined;
  if (zone.paused) {
    status = 'paused';
    statusDetail = 'Cloudflare is paused for the whole zone';
  } else if (!record.proxied) {
    status = 'paused';
    statusDetail = 'The DNS record is not proxied through Cloudflare';
  } else if (zone.status === 'active') {
    status = 'active';
  } else if (zone.status === 'pending' || zone.status === 'initializing') {
    status = 'pending';
    statusDetail = `Cloudflare waits for the domain's nameservers: set them to ${(zone.name_servers ?? []).join(', ')} at the registrar`;
  } else {
    status = 'error';
    statusDetail = `The Cloudflare zone is ${zone.status ?? 'in an unknown state'}`;
  }
  return {
    id: `${zone.id}:${record.id}`,
    hostname: record.name ?? hostname,
    origin: record.content ?? '',
    status,
    ...(statusDetail ? { statusDetail } : {}),
    ...(zone.name_servers?.length ? { nameServers: zone.name_servers } : {}),
    tls: status === 'active' ? 'active' : status === 'pending' ? 'pending' : 'none',
  };
}

/** The candidate zone names of a hostname, longest first, down to two labels (`a.b.example.com` → b.example.com, example.com). */
function zoneCandidates(hostname: string): string[] {
  const labels = hostname.split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}

const SETTING_IDS = { cacheLevel: 'cache_level', browserCacheTtl: 'browser_cache_ttl', developmentMode: 'development_mode', alwaysUseHttps: 'always_use_https' } as const;

export function cloudflareProvider(plugin: PluginContext<CloudflareSettings>): CdnProvider<CloudflareSettings> {
  /** A client for the tenant's settings (the stored ones, overridden by what the call brings, e.g. a connection test). */
  async function connect(ctx: ExtensionCallContext<CloudflareSettings>): Promise<Call> {
    const settings: Partial<CloudflareSettings> = { ...(await plugin.settings.get(ctx.tenantId)), ...ctx.settings };
    if (!settings.apiToken) throw new CdnProviderError('No Cloudflare API token is set: add one in the Cloudflare CDN settings', 'AUTH');
    const baseURL = settings.apiBaseUrl || DEFAULT_API;
    // A tenant-chosen API host must not be on the internal network (refused unless the operator allows private targets).
    if (baseURL !== DEFAULT_API) {
      try {
        await plugin.net.resolvePublic(new URL(baseURL).hostname);
      } catch (err) {
        throw new CdnProviderError(`The Cloudflare API URL is not allowed: ${(err as Error).message}`, 'INVALID');
      }
    }
    const retries = settings.maxRetries ?? 3;
    // apiKey/apiEmail/userServiceKey null: the SDK would otherwise take them from the process environment.
    const client = new Cloudflare({ apiToken: settings.apiToken, apiKey: null, apiEmail: null, userServiceKey: null, baseURL, maxRetries: retries, timeout: (settings.timeoutSeconds ?? 20) * 1000 });
    return { client, settings, retries };
  }

  async function run<T>(call: Call, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toCdnError(err, what, call.retries);
    }
  }

  async function findZone(call: Call, hostname: string): Promise<Zone | null> {
    for (const name of zoneCandidates(hostname)) {
      const page = await run(call, `look up the zone ${name}`, () => call.client.zones.list({ name, ...(call.settings.accountId ? { account: { id: call.settings.accountId } } : {}) }));
      const zone = page.result.find((z) => z.name === name);
      if (zone) return zone as Zone;
    }
    return null;
  }

  async function loadSite(call: Call, siteId: string): Promise<{ zone: Zone; record: DnsRecord }> {
    const { zoneId, recordId } = parseSiteId(siteId);
    const zone = (await run(call, 'read the zone', () => call.client.zones.get({ zone_id: zoneId }))) as Zone;
    const record = (await run(call, 'read the DNS record', () => call.client.dns.records.get(recordId, { zone_id: zoneId }))) as DnsRecord;
    return { zone, record };
  }

  return {
    displayName: 'Cloudflare',
    browserCacheTtlChoices: BROWSER_CACHE_TTLS,

    async createSite(ctx, input) {
      const call = await connect(ctx);
      const hostname = input.hostname.toLowerCase();
      let zone = await findZone(call, hostname);
      if (!zone) {
        if (!call.settings.accountId) throw new CdnProviderError('No Cloudflare account id is set: add it in the Cloudflare CDN settings so zones can be created', 'INVALID');
        const wanted = typeof input.options?.zoneName === 'string' ? input.options.zoneName.toLowerCase() : zoneCandidates(hostname).at(-1)!;
        if (hostname !== wanted && !hostname.endsWith(`.${wanted}`)) throw new CdnProviderError(`${hostname} is not in the zone ${wanted}`, 'INVALID');
        zone = (await run(call, `create the zone ${wanted}`, () => call.client.zones.create({ name: wanted, account: { id: call.settings.accountId! }, type: 'full' }))) as Zone;
      }
      const zoneId = zone.id;
      const type = recordTypeOf(input.origin);
      const existing = (await run(call, 'list DNS records', () => call.client.dns.records.list({ zone_id: zoneId, name: { exact: hostname } } as never))).result as DnsRecord[];
      const routed = existing.filter((r) => r.name === hostname && (r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME'));
      let record: DnsRecord | undefined = routed.find((r) => r.type === type);
      for (const other of routed) {
        if (other !== record) await run(call, 'replace a DNS record', () => call.client.dns.records.delete(other.id, { zone_id: zoneId }));
      }
      if (record) {
        const recordId = record.id;
        record = (await run(call, 'proxy the DNS record', () => call.client.dns.records.edit(recordId, { zone_id: zoneId, type, name: hostname, content: input.origin, proxied: true, ttl: 1 } as never))) as DnsRecord;
      } else {
        record = (await run(call, 'create the proxied DNS record', () => call.client.dns.records.create({ zone_id: zoneId, type, name: hostname, content: input.origin, proxied: true, ttl: 1, comment: 'mPanel CDN' } as never))) as DnsRecord;
      }
      return toSite(zone, record, hostname);
    },

    async getSite(ctx, siteId) {
      const call = await connect(ctx);
      const { zone, record } = await loadSite(call, siteId);
      return toSite(zone, record, record.name ?? '');
    },

    async deleteSite(ctx, siteId) {
      const call = await connect(ctx);
      const { zoneId, recordId } = parseSiteId(siteId);
      try {
        // Traffic goes straight to the origin again; the zone and the record stay (the domain's DNS keeps working).
        await run(call, 'stop proxying the DNS record', () => call.client.dns.records.edit(recordId, { zone_id: zoneId, proxied: false } as never));
      } catch (err) {
        if (err instanceof CdnProviderError && err.code === 'NOT_FOUND') return;
        throw err;
      }
    },

    async purge(ctx, siteId, target: CdnPurgeTarget) {
      const call = await connect(ctx);
      const { zoneId } = parseSiteId(siteId);
      if ('everything' in target) {
        // Everything of this site only: purge by hostname. `purge_everything` would empty the whole
        // zone, which may serve other clients' sites (subdomains of one zone).
        const { record } = await loadSite(call, siteId);
        const hosts = [record.name!];
        await run(call, 'purge the cache', () => call.client.cache.purge({ zone_id: zoneId, hosts } as never));
        return;
      }
      const [kind, items] = 'urls' in target ? (['files', target.urls] as const) : (['prefixes', target.prefixes] as const);
      if (!items.length) throw new CdnProviderError('Nothing to purge', 'INVALID');
      for (let i = 0; i < items.length; i += PURGE_CHUNK) {
        const chunk = items.slice(i, i + PURGE_CHUNK);
        await run(call, 'purge the cache', () => call.client.cache.purge({ zone_id: zoneId, [kind]: chunk } as never));
      }
    },

    async getCacheSettings(ctx, siteId) {
      const call = await connect(ctx);
      const { zoneId } = parseSiteId(siteId);
      const read = async (id: string) => ((await run(call, `read the zone setting ${id}`, () => call.client.zones.settings.get(id, { zone_id: zoneId }))) as { value: unknown }).value;
      const [cacheLevel, browserCacheTtl, developmentMode, alwaysUseHttps] = await Promise.all(Object.values(SETTING_IDS).map(read));
      return {
        cacheLevel: cacheLevel as CdnCacheSettings['cacheLevel'],
        browserCacheTtl: Number(browserCacheTtl),
        developmentMode: developmentMode === 'on',
        alwaysUseHttps: alwaysUseHttps === 'on',
      };
    },

    async updateCacheSettings(ctx, siteId, changes) {
      const call = await connect(ctx);
      const { zoneId } = parseSiteId(siteId);
      // Zone settings apply to every hostname of the zone: refused when the zone proxies other sites too.
      const { zone, record } = await loadSite(call, siteId);
      const own = new Set([record.name, `www.${record.name}`, record.name?.replace(/^www\./, '')]);
      const proxied = (await run(call, 'list DNS records', () => call.client.dns.records.list({ zone_id: zoneId, proxied: true, per_page: 500 } as never))).result as DnsRecord[];
      const others = [...new Set(proxied.filter((r) => r.proxied && !own.has(r.name)).map((r) => r.name!))];
      if (others.length) {
        throw new CdnProviderError(`Cache settings at Cloudflare apply to the whole zone ${zone.name}, which also serves ${others.slice(0, 5).join(', ')}${others.length > 5 ? ' and more' : ''}: change them in Cloudflare's dashboard`, 'INVALID');
      }
      const values: Array<[string, unknown]> = [];
      if (changes.cacheLevel !== undefined) values.push([SETTING_IDS.cacheLevel, changes.cacheLevel]);
      if (changes.browserCacheTtl !== undefined) {
        if (!(BROWSER_CACHE_TTLS as readonly number[]).includes(changes.browserCacheTtl)) throw new CdnProviderError(`Cloudflare accepts these browser cache TTLs only: ${BROWSER_CACHE_TTLS.join(', ')}`, 'INVALID');
        values.push([SETTING_IDS.browserCacheTtl, changes.browserCacheTtl]);
      }
      if (changes.developmentMode !== undefined) values.push([SETTING_IDS.developmentMode, changes.developmentMode ? 'on' : 'off']);
      if (changes.alwaysUseHttps !== undefined) values.push([SETTING_IDS.alwaysUseHttps, changes.alwaysUseHttps ? 'on' : 'off']);
      for (const [id, value] of values) {
        await run(call, `change the zone setting ${id}`, () => call.client.zones.settings.edit(id, { zone_id: zoneId, value } as never));
      }
      return this.getCacheSettings!(ctx, siteId);
    },

    async testConnection(ctx) {
      try {
        const call = await connect(ctx);
        const verified = (await run(call, 'verify the API token', () => call.client.user.tokens.verify())) as { status?: string };
        if (verified.status !== 'active') return { ok: false, message: `The Cloudflare API token is ${verified.status ?? 'not active'}` };
        return { ok: true, message: 'Cloudflare accepted the API token' };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

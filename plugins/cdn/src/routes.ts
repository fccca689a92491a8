import type { Knex } from 'knex';
import {
  CdnProviderError, ConflictError, HttpError, NotFoundError, TooManyRequestsError, ValidationError, assertClientOwns, extensionPoints, isClientScoped, list, ok,
  paginationQuery, scopeToClient, type CdnCacheSettings, type CdnProvider, type PluginContext, type Principal, type RouteContext, type RouteDefinition,
} from '@mpanel/sdk';
import { loadWebsite, serverAddress } from './hosting.ts';
import { EVENTS, PERMISSIONS, type CdnSettings } from './manifest.ts';
import { normalisePurge, purgeBody, type PurgeBody } from './purge.ts';
import { patchSite, sites, toView, type CdnSiteRow } from './store.ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
/** An `enabling` row older than this is an enable that died (the provider call is idempotent per hostname). */
export const STALE_ENABLING_MS = 10 * 60_000;
const ORIGIN = /^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}$|^[0-9a-fA-F:]{2,39}$/;

const enableBody = {
  type: 'object',
  additionalProperties: false,
  required: ['accountId', 'websiteId'],
  properties: {
    accountId: uuid,
    websiteId: uuid,
    provider: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
    // Staff only: where the CDN fetches from (default: the website's server).
    origin: { type: 'string', minLength: 1, maxLength: 253 },
  },
} as const;

const cacheBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    cacheLevel: { enum: ['basic', 'simplified', 'aggressive'] },
    browserCacheTtl: { type: 'integer', minimum: 0, maximum: 31_536_000 },
    developmentMode: { type: 'boolean' },
    alwaysUseHttps: { type: 'boolean' },
  },
} as const;

type Req<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> = RouteContext<P, Q, B>;

/**
 * The CDN of hosting websites. Routes that talk to the provider run without the request
 * transaction (`transaction: false`): rows are read and written in short transactions of their own
 * and the provider is called between them, so a slow CDN API holds no database connection, and a
 * provider failure is recorded on the row (last error) instead of being rolled back.
 */
export function cdnRoutes(plugin: PluginContext<CdnSettings>): RouteDefinition[] {
  const tx = <R>(req: Req<unknown, unknown, unknown>, fn: (trx: Knex.Transaction) => Promise<R>) => plugin.db.transaction(req.tenant!.id, fn);

  async function loadRow(trx: Knex.Transaction, principal: Principal | null, id: string, lock = false): Promise<CdnSiteRow> {
    const q = sites(trx).where({ id });
    const row = (await (lock ? q.forUpdate() : q).first()) as CdnSiteRow | undefined;
    if (!row) throw new NotFoundError('No such CDN site');
    assertClientOwns(principal ?? undefined, row.client_id);
    return row;
  }

  async function providerOf(req: Req<unknown, unknown, unknown>, key: string): Promise<CdnProvider> {
    const provider = await tx(req, async () => plugin.extensions.get(extensionPoints.cdn, key));
    if (!provider) throw new ConflictError(`The CDN provider "${key}" is not available: enable its plugin and set it up first`, { provider: 'not available' });
    return provider;
  }

  /** Runs a provider call; a failure is stored on the row as its last error and answered in plain words. */
  async function call<T>(req: Req<unknown, unknown, unknown>, row: CdnSiteRow, fn: () => Promise<T>, markError = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await tx(req, (trx) => patchSite(trx, row.id, { last_error: message, last_error_at: new Date(), ...(markError ? { status: 'error' as const } : {}) }));
      throw toHttp(err);
    }
  }

  /** Written in the surrounding `tx` (the execution's transaction): delivered once it commits. */
  async function emit(name: string, row: CdnSiteRow, extra: Record<string, unknown> = {}): Promise<void> {
    await plugin.events.emit(name, { cdnSiteId: row.id, websiteId: row.website_id, hostname: row.hostname, provider: row.provider, ...extra });
  }

  const routes: RouteDefinition[] = [
    {
      method: 'GET', path: '/api/v1/cdn/sites', permission: PERMISSIONS.read, summary: 'CDN sites (the caller\'s own for a client)',
      schema: { query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery, websiteId: uuid, accountId: uuid, status: { enum: ['enabling', 'pending', 'active', 'paused', 'disabled', 'error'] } } } },
      async handler(req: Req<unknown, { page: number; perPage: number; websiteId?: string; accountId?: string; status?: string }>) {
        const q = req.query;
        const base = scopeToClient(sites(req.db), req.principal ?? undefined).modify((b) => {
          if (q.websiteId) b.where('website_id', q.websiteId);
          if (q.accountId) b.where('account_id', q.accountId);
          if (q.status) b.where('status', q.status);
        });
        const [{ n }] = (await base.clone().count({ n: '*' })) as [{ n: string | number }];
        const rows = (await base.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]).limit(q.perPage).offset((q.page - 1) * q.perPage).select('*')) as CdnSiteRow[];
        return list(rows.map(toView), { total: Number(n), page: q.page, perPage: q.perPage });
      },
    },
    {
      method: 'GET', path: '/api/v1/cdn/sites/:id', permission: PERMISSIONS.read, summary: 'One CDN site: status, cache settings, last purge and last error',
      schema: { params: idParams },
      async handler(req: Req<{ id: string }>) {
        return ok(toView(await loadRow(req.db, req.principal, req.params.id)));
      },
    },
    {
      method: 'POST', path: '/api/v1/cdn/sites', permission: PERMISSIONS.write, successStatus: 201, transaction: false,
      summary: 'Put a website behind the CDN (or again, after it was disabled)',
      schema: { body: enableBody },
      async handler(req: Req<unknown, unknown, { accountId: string; websiteId: string; provider?: string; origin?: string }>) {
        const body = req.body;
        if (body.origin !== undefined && isClientScoped(req.principal ?? undefined)) throw new ValidationError({ origin: 'only staff may choose the origin' });
        if (body.origin !== undefined && !ORIGIN.test(body.origin)) throw new ValidationError({ origin: 'must be an IP address or a host name' });
        const website = await loadWebsite(plugin, req, body.accountId, body.websiteId);
        const settings = await plugin.settings.get(req.tenant!.id);
        const key = body.provider ?? settings.defaultProvider ?? 'cloudflare';
        const provider = await providerOf(req, key);
        const origin = body.origin ?? (await serverAddress(plugin, req, website.serverId)) ?? settings.defaultOrigin;
        if (!origin) throw new ConflictError('The website\'s origin is not known yet: the account has no server, and no default origin is set in the CDN settings', { origin: 'unknown' });
        const hostname = website.domain.toLowerCase();

        // Claim the website's row (one per website; a disabled or failed one is enabled again).
        const row = await tx(req, async (trx) => {
          const existing = (await sites(trx).where({ website_id: website.websiteId }).forUpdate().first()) as CdnSiteRow | undefined;
          // An enable that never finished (the process stopped mid-call) may be taken over after a while.
          const stale = existing?.status === 'enabling' && Date.now() - new Date(existing.updated_at).getTime() > STALE_ENABLING_MS;
          if (existing && !stale && !['disabled', 'error'].includes(existing.status)) throw new ConflictError(`The CDN is already ${existing.status === 'enabling' ? 'being enabled' : 'enabled'} for ${hostname}`, { websiteId: 'already enabled' });
          if (existing) {
            return patchSite(trx, existing.id, { status: 'enabling', provider: key, origin, hostname, client_id: website.clientId, account_id: website.accountId, last_error: null, last_error_at: null, ...(existing.provider !== key ? { provider_site_id: null } : {}) });
          }
          try {
            const [made] = (await sites(trx).insert({ tenant_id: req.tenant!.id, website_id: website.websiteId, account_id: website.accountId, client_id: website.clientId, hostname, origin, provider: key, status: 'enabling' } as never).returning('*')) as CdnSiteRow[];
            return made!;
          } catch (err) {
            if ((err as { code?: string }).code === '23505') throw new ConflictError(`The CDN is already being enabled for ${hostname}`, { websiteId: 'already enabled' });
            throw err;
          }
        });
        const ctx = { tenantId: req.tenant!.id, settings: {} };
        const site = await call(req, row, () => provider.createSite(ctx, { hostname, origin }), true);
        const cache = provider.getCacheSettings ? await provider.getCacheSettings(ctx, site.id).catch(() => null) : null;
        const saved = await tx(req, async (trx) => {
          const r = await patchSite(trx, row.id, {
            provider_site_id: site.id, status: site.status, status_detail: site.statusDetail ?? null, name_servers: site.nameServers ?? [],
            cache_settings: cache, checked_at: new Date(), last_error: null, last_error_at: null,
          });
          await emit(EVENTS.enabled, r, { status: r.status });
          return r;
        });
        return ok(toView(saved));
      },
    },
    {
      method: 'POST', path: '/api/v1/cdn/sites/:id/refresh', permission: PERMISSIONS.read, transaction: false,
      summary: 'Ask the provider for the site\'s current status',
      schema: { params: idParams },
      async handler(req: Req<{ id: string }>) {
        const row = await tx(req, (trx) => loadRow(trx, req.principal, req.params.id));
        if (!row.provider_site_id || row.status === 'disabled') return ok(toView(row));
        const provider = await providerOf(req, row.provider);
        const ctx = { tenantId: req.tenant!.id, settings: {} };
        const site = await call(req, row, () => provider.getSite(ctx, row.provider_site_id!));
        const cache = provider.getCacheSettings ? await call(req, row, () => provider.getCacheSettings!(ctx, row.provider_site_id!)) : row.cache_settings;
        const saved = await tx(req, (trx) => patchSite(trx, row.id, { status: site.status, status_detail: site.statusDetail ?? null, name_servers: site.nameServers ?? [], cache_settings: cache, checked_at: new Date(), last_error: null, last_error_at: null }));
        return ok(toView(saved));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/cdn/sites/:id', permission: PERMISSIONS.write, transaction: false,
      summary: 'Take the website out of the CDN (traffic goes straight to the origin)',
      schema: { params: idParams },
      async handler(req: Req<{ id: string }>) {
        const row = await tx(req, (trx) => loadRow(trx, req.principal, req.params.id));
        if (row.status === 'disabled') return ok(toView(row));
        if (row.status === 'enabling') throw new ConflictError('The CDN is being enabled for this website; try again in a moment');
        if (row.provider_site_id) {
          const provider = await providerOf(req, row.provider);
          await call(req, row, () => provider.deleteSite({ tenantId: req.tenant!.id, settings: {} }, row.provider_site_id!));
        }
        const saved = await tx(req, async (trx) => {
          const r = await patchSite(trx, row.id, { status: 'disabled', status_detail: null, checked_at: new Date(), last_error: null, last_error_at: null });
          await emit(EVENTS.disabled, r);
          return r;
        });
        return ok(toView(saved));
      },
    },
    {
      method: 'POST', path: '/api/v1/cdn/sites/:id/purges', permission: PERMISSIONS.purge, transaction: false,
      summary: 'Purge the CDN cache: { everything: true }, { urls: [...] } or { prefixes: [...] } on the site\'s hostname',
      schema: { params: idParams, body: purgeBody },
      async handler(req: Req<{ id: string }, unknown, PurgeBody>) {
        const row = await tx(req, (trx) => loadRow(trx, req.principal, req.params.id));
        const target = normalisePurge(row.hostname, req.body);
        if (!row.provider_site_id || !['active', 'pending', 'paused'].includes(row.status)) throw new ConflictError(`The CDN is not enabled for ${row.hostname}`);
        const provider = await providerOf(req, row.provider);
        await call(req, row, () => provider.purge({ tenantId: req.tenant!.id, settings: {} }, row.provider_site_id!, target));
        const kind = 'everything' in target ? 'everything' : 'urls' in target ? 'urls' : 'prefixes';
        const count = 'everything' in target ? 0 : 'urls' in target ? target.urls.length : target.prefixes.length;
        const saved = await tx(req, async (trx) => {
          const r = await patchSite(trx, row.id, { last_purge_at: new Date(), last_purge: { kind, count }, last_error: null, last_error_at: null });
          await emit(EVENTS.purged, r, { kind, count });
          return r;
        });
        return ok({ site: toView(saved), purged: { kind, count, ...('everything' in target ? {} : { items: 'urls' in target ? target.urls : target.prefixes }) } });
      },
    },
    {
      method: 'PATCH', path: '/api/v1/cdn/sites/:id/cache-settings', permission: PERMISSIONS.write, transaction: false,
      summary: 'Change the cache settings (cache level, browser cache TTL, development mode, always HTTPS)',
      schema: { params: idParams, body: cacheBody },
      async handler(req: Req<{ id: string }, unknown, Partial<CdnCacheSettings>>) {
        const row = await tx(req, (trx) => loadRow(trx, req.principal, req.params.id));
        if (!row.provider_site_id || !['active', 'pending', 'paused'].includes(row.status)) throw new ConflictError(`The CDN is not enabled for ${row.hostname}`);
        const provider = await providerOf(req, row.provider);
        if (!provider.updateCacheSettings) throw new ConflictError(`The CDN provider "${row.provider}" has no cache settings`);
        const ttl = req.body.browserCacheTtl;
        if (ttl !== undefined && provider.browserCacheTtlChoices && !provider.browserCacheTtlChoices.includes(ttl)) {
          throw new ValidationError({ browserCacheTtl: `must be one of ${provider.browserCacheTtlChoices.join(', ')}` });
        }
        const settings = await call(req, row, () => provider.updateCacheSettings!({ tenantId: req.tenant!.id, settings: {} }, row.provider_site_id!, req.body));
        const saved = await tx(req, async (trx) => {
          const r = await patchSite(trx, row.id, { cache_settings: settings, last_error: null, last_error_at: null });
          await emit(EVENTS.settingsChanged, r, { changes: req.body });
          return r;
        });
        return ok(toView(saved));
      },
    },
  ];
  return routes;
}

/** A provider's failure as an answer: bad input 400, rate limited 429 (Retry-After), otherwise 502 with the provider's words. */
export function toHttp(err: unknown): Error {
  if (err instanceof HttpError) return err;
  if (err instanceof CdnProviderError) {
    if (err.code === 'INVALID') return new HttpError(400, err.message, { provider: err.message });
    if (err.code === 'RATE_LIMITED') return new TooManyRequestsError(err.retryAfterSeconds ?? 30, err.message);
    if (err.code === 'NOT_FOUND') return new ConflictError(`${err.message}. Disable the CDN and enable it again`);
    return new HttpError(502, err.message, { provider: err.code === 'AUTH' ? 'authentication failed' : 'unavailable' });
  }
  return err instanceof Error ? err : new Error(String(err));
}

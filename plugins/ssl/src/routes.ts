import type { Knex } from 'knex';
import {
  ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError, assertClientOwns, dnsZonesRef, hostingSitesRef, isClientScoped, list, ok,
  paginationQuery, scopeToClient, type HostedSite, type PluginContext, type Principal, type RouteContext, type RouteDefinition,
} from '@mpanel/sdk';
import { certificateView, claimAndEnqueue, serverOf, summary, tdb, type CertificateRow } from './certificates.ts';
import { baseOf, isWildcard, nameProblem, normaliseName } from './names.ts';
import { healthOf } from './schedule.ts';
import type { SslSettings } from './settings.ts';
import type { ChallengeType } from './acme.ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: uuid } } as const;
const HEALTH = ['ok', 'pending', 'failing', 'renewal_failing', 'expiring', 'expired'];

type Ctx = RouteContext<Record<string, string>, Record<string, unknown>, Record<string, unknown>>;

function who(ctx: Ctx): { tenantId: string; principal: Principal } {
  if (!ctx.tenant || !ctx.principal) throw new UnauthorizedError();
  return { tenantId: ctx.tenant.id, principal: ctx.principal };
}

async function loadOwn(trx: Knex.Transaction, tenantId: string, principal: Principal, id: string): Promise<CertificateRow> {
  const row = (await tdb(trx, tenantId)('certificates').where('certificates.id', id).first()) as CertificateRow | undefined;
  if (!row) throw new NotFoundError('Certificate not found');
  assertClientOwns(principal, row.client_id);
  return row;
}

export interface RequestPlan { names: string[]; site: HostedSite | null; challenge: ChallengeType; clientId: string | null }

/**
 * Checks a request and picks the challenge: a wildcard or a name without a website here → dns-01;
 * otherwise http-01 on the website every name belongs to. Clients only for names of their own sites.
 */
export async function planRequest(plugin: PluginContext, trx: Knex.Transaction, tenantId: string, principal: Principal, body: { names: string[]; siteId?: string; challenge?: ChallengeType }): Promise<RequestPlan> {
  const problems: Record<string, string> = {};
  const names = [...new Set(body.names.map(normaliseName))];
  names.forEach((n, i) => {
    const p = nameProblem(n);
    if (p) problems[`names[${i}]`] = p;
  });
  if (Object.keys(problems).length) throw new ValidationError(problems);
  const sites = plugin.services.tryResolve(hostingSitesRef)?.forTenant(trx, tenantId);
  let site: HostedSite | null = null;
  if (body.siteId) {
    if (!sites) throw new NotFoundError('Website not found');
    site = await sites.get(body.siteId);
    if (!site) throw new NotFoundError('Website not found');
  } else if (sites) {
    for (const n of names.filter((x) => !isWildcard(x))) {
      site = await sites.findByName(n);
      if (site) break;
    }
  }
  if (site && isClientScoped(principal)) assertClientOwns(principal, site.clientId);
  const siteNames = site ? new Set([site.domain, ...site.aliases].map((n) => n.toLowerCase())) : new Set<string>();
  if (isClientScoped(principal)) {
    // A client's certificate covers names of its own website only (a wildcard of one of them too).
    if (!site) throw new ValidationError({ siteId: 'choose one of your websites: certificates are issued for your websites\' names' });
    names.forEach((n, i) => {
      if (!siteNames.has(baseOf(n))) problems[`names[${i}]`] = `is not a name of your website ${site!.domain}`;
    });
  }
  const wildcard = names.some(isWildcard);
  let challenge: ChallengeType = wildcard || !site ? 'dns-01' : 'http-01';
  if (body.challenge) {
    if (body.challenge === 'http-01' && wildcard) problems.challenge = 'wildcard names can only be validated with dns-01';
    else if (body.challenge === 'http-01' && !site) problems.challenge = 'http-01 needs a website serving the names (give siteId)';
    else challenge = body.challenge;
  }
  if (challenge === 'http-01') {
    names.forEach((n, i) => {
      if (!siteNames.has(n) && !problems[`names[${i}]`]) problems[`names[${i}]`] = `is not served by the website ${site!.domain} (add it as an alias first, or use dns-01)`;
    });
  } else if (!plugin.services.tryResolve(dnsZonesRef)) {
    problems.challenge = wildcard
      ? 'wildcard certificates need dns-01, and no DNS plugin is active'
      : 'no website here serves these names, so dns-01 is needed, and no DNS plugin is active';
  }
  if (Object.keys(problems).length) throw new ValidationError(problems);
  return { names, site, challenge, clientId: site?.clientId ?? null };
}

/**
 * A panel domain certificate's one name: a domain of core's `tenant_domains` the tenant has
 * VERIFIED (RLS: another tenant's claims are invisible, so they are "not found"); a pending claim
 * is refused until it is verified; platform names can never be claimed, so they are not found.
 */
export async function planPanelRequest(plugin: PluginContext, trx: Knex.Transaction, tenantId: string, principal: Principal, body: { domain: string; challenge?: ChallengeType }): Promise<{ name: string; challenge: ChallengeType }> {
  if (isClientScoped(principal)) throw new ForbiddenError('Only the tenant\'s staff request certificates for the panel\'s domains');
  const name = normaliseName(body.domain);
  const problem = nameProblem(name);
  if (problem) throw new ValidationError({ domain: problem });
  if (isWildcard(name)) throw new ValidationError({ domain: 'a panel domain is one host name, not a wildcard' });
  const claim = (await tdb(trx, tenantId)('tenant_domains').whereRaw('lower(tenant_domains.domain) = ?', [name]).first('status')) as { status: string } | undefined;
  if (!claim) throw new NotFoundError(`${name} is not one of this tenant's panel domains: claim and verify it first (Settings → Domains)`);
  if (claim.status !== 'verified') throw new ConflictError(`${name} is not verified yet: verify the domain before requesting its certificate`, { domain: 'is not verified' });
  let challenge: ChallengeType = body.challenge ?? 'http-01';
  if (!body.challenge) {
    // dns-01 when mPanel's DNS hosts the zone (no dependency on the proxy reaching mPanel); else http-01.
    const dns = plugin.services.tryResolve(dnsZonesRef);
    if (dns && (await dns.forTenant(trx, tenantId).findZoneFor(name))) challenge = 'dns-01';
  } else if (challenge === 'dns-01' && !plugin.services.tryResolve(dnsZonesRef)) {
    throw new ValidationError({ challenge: 'dns-01 needs the DNS plugin, and it is not active' });
  }
  return { name, challenge };
}

/**
 * A server certificate's one name: the server's mail host name (`mailHost`: what MX records and
 * mail clients point at). Staff only; another tenant's server is not found (RLS). Validated with
 * dns-01, so the name's zone must be hosted in mPanel's DNS: nothing on the server answers http-01
 * for its own host name.
 */
export async function planServerRequest(plugin: PluginContext, trx: Knex.Transaction, tenantId: string, principal: Principal, serverId: string): Promise<{ name: string; serverId: string }> {
  if (isClientScoped(principal)) throw new ForbiddenError('Only the tenant\'s staff request certificates for servers');
  const server = await plugin.services.tryResolve(hostingSitesRef)?.forTenant(trx, tenantId).server(serverId);
  if (!server) throw new NotFoundError('Server not found');
  const name = server.mailHost;
  const problem = nameProblem(name);
  if (problem) throw new ValidationError({ serverId: `the server's host name ${name} ${problem}` });
  const dns = plugin.services.tryResolve(dnsZonesRef);
  if (!dns) throw new ValidationError({ serverId: 'a server certificate is validated with dns-01, and no DNS plugin is active' });
  if (!(await dns.forTenant(trx, tenantId).findZoneFor(name))) {
    throw new ValidationError({ serverId: `the zone of ${name} is not hosted in mPanel's DNS: add it first (a server certificate is validated with dns-01)` });
  }
  return { name, serverId: server.id };
}

export function certificateRoutes(plugin: PluginContext<SslSettings>): RouteDefinition[] {
  /** The view with the server a certificate belongs to (site-less, non-panel certificates only are looked up). */
  const viewOf = async (trx: Knex.Transaction, tenantId: string, row: CertificateRow, now = new Date(), withPem = false) =>
    certificateView(row, now, withPem, (await serverOf(plugin, trx, tenantId, row))?.id ?? null);
  /** One after the other: the queries share the request's transaction. */
  const viewsOf = async (trx: Knex.Transaction, tenantId: string, rows: CertificateRow[], now: Date) => {
    const out = [];
    for (const r of rows) out.push(await viewOf(trx, tenantId, r, now));
    return out;
  };
  return [
    {
      method: 'POST', path: '/api/v1/server-certificates', permission: 'certificates.write', tags: ['ssl'], successStatus: 202,
      summary: 'Requests the certificate of a server\'s own host name (its mail host: MX, IMAP/POP3/SMTP), dns-01 through mPanel\'s DNS; installed on the server\'s Postfix and Dovecot and renewed like every certificate',
      schema: {
        body: {
          type: 'object', additionalProperties: false, required: ['serverId'],
          properties: { serverId: uuid, autoRenew: { type: 'boolean' } },
        },
      },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        const body = ctx.input.body as { serverId: string; autoRenew?: boolean };
        const plan = await planServerRequest(plugin, ctx.db, tenantId, principal, body.serverId);
        const db = tdb(ctx.db, tenantId);
        const exists = () => new ConflictError(`A certificate for ${plan.name} exists already: renew it instead`, { serverId: 'a certificate for this server\'s host name exists' });
        if (await db('certificates').where('certificates.primary_name', plan.name).first('id')) throw exists();
        // Two requests at once both pass the check: the unique (tenant, primary name) index decides, the loser gets the same 409.
        const [row] = await db.insert<CertificateRow>('certificates', {
          names: [plan.name], primary_name: plan.name, site_id: null, client_id: null, panel_domain: false,
          challenge: 'dns-01', status: 'pending', auto_renew: body.autoRenew ?? true,
        }).catch((err: { code?: string }) => {
          throw err.code === '23505' ? exists() : err;
        });
        await claimAndEnqueue(plugin, db, row!.id);
        ctx.response.status = 202;
        return ok(certificateView((await db('certificates').where('certificates.id', row!.id).first()) as CertificateRow, new Date(), false, plan.serverId));
      },
    },
    {
      method: 'POST', path: '/api/v1/panel-certificates', permission: 'certificates.write', tags: ['ssl'], successStatus: 202,
      summary: 'Requests a certificate for one of the tenant\'s verified panel domains (http-01 answered by mPanel, or dns-01 when the zone is hosted here); installed in MPANEL_TLS_DIR for the front proxy',
      schema: {
        body: {
          type: 'object', additionalProperties: false, required: ['domain'],
          properties: { domain: { type: 'string', minLength: 3, maxLength: 253 }, challenge: { type: 'string', enum: ['http-01', 'dns-01'] }, autoRenew: { type: 'boolean' } },
        },
      },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        const body = ctx.input.body as { domain: string; challenge?: ChallengeType; autoRenew?: boolean };
        const plan = await planPanelRequest(plugin, ctx.db, tenantId, principal, body);
        const db = tdb(ctx.db, tenantId);
        if (await db('certificates').where('certificates.primary_name', plan.name).first('id')) {
          throw new ConflictError(`A certificate for ${plan.name} exists already: renew it instead`, { domain: 'a certificate for this name exists' });
        }
        const [row] = await db.insert<CertificateRow>('certificates', {
          names: [plan.name], primary_name: plan.name, site_id: null, client_id: null, panel_domain: true,
          challenge: plan.challenge, status: 'pending', auto_renew: body.autoRenew ?? true,
        });
        await claimAndEnqueue(plugin, db, row!.id);
        ctx.response.status = 202;
        return ok(certificateView((await db('certificates').where('certificates.id', row!.id).first()) as CertificateRow));
      },
    },
    {
      method: 'GET', path: '/api/v1/acme-challenges/:token', public: true, tags: ['ssl'],
      summary: 'http-01 answer for a pending panel domain order (core maps /.well-known/acme-challenge/<token> here); only on that domain',
      schema: { params: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' } } } },
      handler: async (ctx: Ctx) => {
        const host = (ctx.header('host') ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
        if (!ctx.tenant || !host) throw new NotFoundError('No such challenge');
        const row = (await tdb(ctx.db, ctx.tenant.id)('panel_acme_challenges')
          .where('panel_acme_challenges.token', ctx.input.params.token!).where('panel_acme_challenges.domain', host).first('key_authorization')) as { key_authorization: string } | undefined;
        if (!row) throw new NotFoundError('No such challenge');
        ctx.response.type = 'text/plain';
        return row.key_authorization;
      },
    },
    {
      method: 'GET', path: '/api/v1/certificates/summary', permission: 'certificates.read', tags: ['ssl'],
      summary: 'Dashboard counts: certificates by health (ok, pending, failing, renewal_failing, expiring, expired)',
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        if (isClientScoped(principal) && !principal.clientId) return ok({ total: 0, ok: 0, pending: 0, failing: 0, renewal_failing: 0, expiring: 0, expired: 0, attention: 0 });
        const s = await summary(tdb(ctx.db, tenantId), new Date(), isClientScoped(principal) ? principal.clientId : null);
        return ok({ ...s, attention: s.failing + s.renewal_failing + s.expiring + s.expired });
      },
    },
    {
      method: 'GET', path: '/api/v1/certificates', permission: 'certificates.read', tags: ['ssl'],
      summary: 'Certificates with status, health, expiry, renewal schedule and last error (clients: their own)',
      schema: {
        query: {
          type: 'object', additionalProperties: false,
          properties: { ...paginationQuery, siteId: uuid, clientId: uuid, status: { type: 'string', enum: ['pending', 'active', 'failed', 'expired'] }, health: { type: 'string', enum: HEALTH }, search: { type: 'string', maxLength: 253 } },
        },
      },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        const q = ctx.input.query as { page: number; perPage: number; siteId?: string; clientId?: string; status?: string; health?: string; search?: string };
        const base = scopeToClient(tdb(ctx.db, tenantId)('certificates'), principal, 'certificates.client_id');
        if (q.siteId) base.where('certificates.site_id', q.siteId);
        if (q.clientId) base.where('certificates.client_id', q.clientId);
        if (q.status) base.where('certificates.status', q.status);
        if (q.search) base.whereRaw('array_to_string(certificates.names, \' \') ILIKE ?', [`%${q.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`]);
        const now = new Date();
        if (q.health) {
          // Health is computed from dates: filter in memory over the (already scoped) set.
          const rows = ((await base.orderBy('certificates.not_after', 'asc')) as CertificateRow[]).filter((r) => healthOf(r, now) === q.health);
          const page = rows.slice((q.page - 1) * q.perPage, q.page * q.perPage);
          return list(await viewsOf(ctx.db, tenantId, page, now), { total: rows.length, page: q.page, perPage: q.perPage });
        }
        const total = Number(((await base.clone().count<{ count: string }[]>('* as count'))[0]?.count) ?? 0);
        const rows = (await base.orderByRaw('certificates.not_after ASC NULLS FIRST, certificates.created_at DESC').limit(q.perPage).offset((q.page - 1) * q.perPage)) as CertificateRow[];
        return list(await viewsOf(ctx.db, tenantId, rows, now), { total, page: q.page, perPage: q.perPage });
      },
    },
    {
      method: 'GET', path: '/api/v1/certificates/:id', permission: 'certificates.read', tags: ['ssl'], summary: 'One certificate, with its chain (never its key)',
      schema: { params: idParams },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        return ok(await viewOf(ctx.db, tenantId, await loadOwn(ctx.db, tenantId, principal, ctx.input.params.id!), new Date(), true));
      },
    },
    {
      method: 'POST', path: '/api/v1/certificates', permission: 'certificates.write', tags: ['ssl'], successStatus: 202,
      summary: 'Requests a certificate: checked, then issued by a job (http-01 on the website, dns-01 for wildcards or names without a website)',
      schema: {
        body: {
          type: 'object', additionalProperties: false, required: ['names'],
          properties: {
            names: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 3, maxLength: 253 } },
            siteId: uuid,
            challenge: { type: 'string', enum: ['http-01', 'dns-01'] },
            autoRenew: { type: 'boolean' },
          },
        },
      },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        const body = ctx.input.body as { names: string[]; siteId?: string; challenge?: ChallengeType; autoRenew?: boolean };
        const plan = await planRequest(plugin, ctx.db, tenantId, principal, body);
        const db = tdb(ctx.db, tenantId);
        const primary = plan.names[0]!;
        if (await db('certificates').where('certificates.primary_name', primary).first('id')) {
          throw new ConflictError(`A certificate for ${primary} exists already: renew it instead`, { names: 'a certificate for this name exists' });
        }
        const [row] = await db.insert<CertificateRow>('certificates', {
          names: plan.names, primary_name: primary, site_id: plan.site?.id ?? null, client_id: plan.clientId,
          challenge: plan.challenge, status: 'pending', auto_renew: body.autoRenew ?? true,
        });
        await claimAndEnqueue(plugin, db, row!.id);
        const fresh = (await db('certificates').where('certificates.id', row!.id).first()) as CertificateRow;
        ctx.response.status = 202;
        return ok(certificateView(fresh));
      },
    },
    {
      method: 'POST', path: '/api/v1/certificates/:id/renewals', permission: 'certificates.write', tags: ['ssl'], successStatus: 202,
      summary: '"Renew now": a new order at once, whatever the schedule and back-off say (409 while one runs)',
      schema: { params: idParams },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        const row = await loadOwn(ctx.db, tenantId, principal, ctx.input.params.id!);
        const db = tdb(ctx.db, tenantId);
        // A renewal of a still valid certificate is a new order: the install-only shortcut does not apply.
        await db('certificates').where('certificates.id', row.id).update({ next_attempt_at: null, ...(row.not_after ? { renew_at: new Date() } : {}), updated_at: new Date() });
        if (!(await claimAndEnqueue(plugin, db, row.id))) throw new ConflictError('This certificate is being issued right now: wait for the result');
        ctx.response.status = 202;
        return ok(certificateView((await db('certificates').where('certificates.id', row.id).first()) as CertificateRow));
      },
    },
    {
      method: 'PATCH', path: '/api/v1/certificates/:id', permission: 'certificates.write', tags: ['ssl'], summary: 'Switches automatic renewal on or off',
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, required: ['autoRenew'], properties: { autoRenew: { type: 'boolean' } } } },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        const row = await loadOwn(ctx.db, tenantId, principal, ctx.input.params.id!);
        const db = tdb(ctx.db, tenantId);
        await db('certificates').where('certificates.id', row.id).update({ auto_renew: (ctx.input.body as { autoRenew: boolean }).autoRenew, updated_at: new Date() });
        return ok(certificateView((await db('certificates').where('certificates.id', row.id).first()) as CertificateRow));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/certificates/:id', permission: 'certificates.write', tags: ['ssl'], successStatus: 204,
      summary: 'Deletes a certificate (no more renewals; what the server serves stays until the site changes)',
      schema: { params: idParams },
      handler: async (ctx: Ctx) => {
        const { tenantId, principal } = who(ctx);
        const row = await loadOwn(ctx.db, tenantId, principal, ctx.input.params.id!);
        if (row.in_progress_since && Date.now() - row.in_progress_since.getTime() < 15 * 60_000) throw new ConflictError('This certificate is being issued right now: delete it once the run ended');
        await tdb(ctx.db, tenantId)('certificates').where('certificates.id', row.id).delete();
        ctx.response.status = 204;
        return null;
      },
    },
  ];
}

import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import {
  createTenantDb, dnsZonesRef, hostingSitesRef, notificationsRef,
  type HostedServer, type HostedSite, type PluginContext, type TenantDb,
} from '@mpanel/sdk';
import { createAccountKey, issueCertificate, plainError, probeDirectory, type ChallengeSolver, type ChallengeType, type Issued } from './acme.ts';
import { PreflightError, baseOf, preflightHttp, resolverFor } from './names.ts';
import { alertDue, backoffMs, healthOf, renewAt, type CertificateHealth } from './schedule.ts';
import { DEFAULT_DIRECTORY, type SslSettings } from './settings.ts';
import { dropReleasedPanelCertificates, removeTlsPair } from './released-panel-domains.ts';

export const ISSUE_JOB = 'ssl.issue';
export const SWEEP_JOB = 'ssl.sweep';
/** A claim older than this (the worker died mid-order) is taken again by the sweep. */
export const STALE_CLAIM_MS = 15 * 60_000;

export interface CertificateRow {
  id: string; tenant_id: string; names: string[]; primary_name: string; site_id: string | null; client_id: string | null;
  challenge: ChallengeType; status: 'pending' | 'active' | 'failed' | 'expired'; auto_renew: boolean; directory_url: string | null;
  not_before: Date | null; not_after: Date | null; renew_at: Date | null; failure_count: number; next_attempt_at: Date | null;
  last_attempt_at: Date | null; last_error: string | null; last_error_at: Date | null; in_progress_since: Date | null;
  issued_at: Date | null; installed_at: Date | null; serial: string | null; issuer: string | null;
  private_key: string | null; certificate_pem: string | null; alerted_for: Date | null; created_at: Date; updated_at: Date;
  /** A certificate for one of the tenant's verified panel domains (installed in MPANEL_TLS_DIR). */
  panel_domain: boolean;
}

export const tdb = (trx: Knex.Transaction, tenantId: string): TenantDb => createTenantDb(trx, tenantId);

/** What an API caller sees: never the private key. `serverId`: the server whose own certificate it is (see serverOf). */
export function certificateView(row: CertificateRow, now = new Date(), withPem = false, serverId: string | null = null) {
  return {
    id: row.id, names: row.names, primaryName: row.primary_name, siteId: row.site_id, serverId, clientId: row.client_id,
    challenge: row.challenge, status: row.status, health: healthOf(row, now) as CertificateHealth, autoRenew: row.auto_renew,
    notBefore: row.not_before, notAfter: row.not_after, renewAt: row.renew_at,
    failureCount: row.failure_count, nextAttemptAt: row.next_attempt_at, lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error, lastErrorAt: row.last_error_at, inProgress: row.in_progress_since !== null,
    issuedAt: row.issued_at, installedAt: row.installed_at, serial: row.serial, issuer: row.issuer,
    directoryUrl: row.directory_url, panelDomain: row.panel_domain === true, createdAt: row.created_at, updatedAt: row.updated_at,
    ...(withPem ? { certificatePem: row.certificate_pem } : {}),
  };
}

/** Claims a certificate for one issuance run (false when a run holds it); the job is queued on commit. */
export async function claimAndEnqueue(plugin: PluginContext, db: TenantDb, id: string, now = new Date()): Promise<boolean> {
  const claimed = await db('certificates').where('certificates.id', id)
    .where((q) => q.whereNull('in_progress_since').orWhere('in_progress_since', '<', new Date(now.getTime() - STALE_CLAIM_MS)))
    .update({ in_progress_since: now, updated_at: now }, ['id']);
  if (!claimed.length) return false;
  await plugin.jobs.enqueue(ISSUE_JOB, { certificateId: id }, { tenantId: db.tenantId, jobId: `${ISSUE_JOB}:${id}:${now.getTime()}` });
  return true;
}

interface Deps {
  plugin: PluginContext<SslSettings>;
  metrics: { issued(result: 'ok' | 'failed', challenge: string): void };
}

/** The tenant's ACME account key for a directory (made and sealed on first use). */
async function accountFor(plugin: PluginContext<SslSettings>, tenantId: string, directoryUrl: string, email: string | null) {
  const existing = await plugin.db.transaction(tenantId, (trx) => tdb(trx, tenantId)('acme_accounts').where({ directory_url: directoryUrl }).first());
  if (existing) return { keyPem: plugin.secrets.open(existing.account_key, 'acme_accounts.account_key', tenantId), accountUrl: existing.account_url as string | null, id: existing.id as string };
  const sealed = plugin.secrets.seal(await createAccountKey(), 'acme_accounts.account_key', tenantId);
  return plugin.db.transaction(tenantId, async (trx) => {
    await trx('acme_accounts').insert({ tenant_id: tenantId, directory_url: directoryUrl, email, account_key: sealed }).onConflict(['tenant_id', 'directory_url']).ignore();
    const row = await tdb(trx, tenantId)('acme_accounts').where({ directory_url: directoryUrl }).first();
    return { keyPem: plugin.secrets.open(row.account_key, 'acme_accounts.account_key', tenantId), accountUrl: row.account_url as string | null, id: row.id as string };
  });
}

/**
 * The server a certificate belongs to: one with no website and no panel domain whose primary name
 * is a server's mail host name (what MX and mail clients point at) is that server's own
 * certificate, installed on its mail services. No extra column: the name is the link, so a
 * renamed server simply stops receiving it.
 */
export async function serverOf(plugin: PluginContext, trx: Knex.Transaction, tenantId: string, row: Pick<CertificateRow, 'site_id' | 'panel_domain' | 'primary_name'>): Promise<HostedServer | null> {
  if (row.site_id || row.panel_domain) return null;
  const sites = plugin.services.tryResolve(hostingSitesRef);
  return sites ? sites.forTenant(trx, tenantId).serverByHost(row.primary_name) : null;
}

/** The site's server in words for messages: `web1 (web1.example.net)`. */
const serverLabel = (site: HostedSite) => `the server ${site.serverHostname ?? site.serverId ?? '(not placed yet)'}`;

function httpSolver(plugin: PluginContext, tenantId: string, siteId: string): ChallengeSolver {
  const sites = plugin.services.resolve(hostingSitesRef);
  return {
    create: ({ token, value }) => sites.putChallenge(tenantId, siteId, { token, keyAuthorization: value }),
    remove: ({ token }) => sites.removeChallenge(tenantId, siteId, token),
  };
}

/**
 * http-01 for a panel domain: mPanel answers the CA itself (`/.well-known/acme-challenge/<token>`
 * on the domain, served by the public `GET /api/v1/acme-challenges/:token` for the Host's tenant).
 */
function panelHttpSolver(plugin: PluginContext, tenantId: string): ChallengeSolver {
  return {
    create: ({ name, token, value }) => plugin.db.transaction(tenantId, async (trx) => {
      await trx('panel_acme_challenges').insert({ tenant_id: tenantId, domain: name, token, key_authorization: value })
        .onConflict(['tenant_id', 'token']).merge({ key_authorization: value, domain: name, updated_at: new Date() });
    }),
    remove: ({ token }) => plugin.db.transaction(tenantId, async (trx) => {
      await tdb(trx, tenantId)('panel_acme_challenges').where('panel_acme_challenges.token', token).delete();
    }),
  };
}

/** Where the front proxy reads panel-domain certificates: `<dir>/<domain>.crt|.key`. */
export const tlsDir = (): string | null => process.env.MPANEL_TLS_DIR?.trim() || null;

/** Writes `<domain>.crt` (chain) and `<domain>.key` (0600) atomically (temp file + rename): the proxy never reads half a pair. */
export function writeTlsPair(dir: string, domain: string, certPem: string, keyPem: string): void {
  if (!/^[a-z0-9.-]+$/.test(domain) || domain.includes('..')) throw new Error(`refusing to write a file for the name ${JSON.stringify(domain)}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const put = (file: string, body: string, mode: number) => {
    const tmp = join(dir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(tmp, body, { mode, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, join(dir, file));
  };
  // The key first: a proxy reloading between the two renames finds the old cert with the new key
  // only for an instant, and a reload is triggered after both anyway.
  put(`${domain}.key`, keyPem, 0o600);
  put(`${domain}.crt`, certPem, 0o644);
}

/** dns-01: one TXT value per authorization on `_acme-challenge.<name>.`, additive, published before the CA looks. */
export function dnsSolver(plugin: PluginContext, tenantId: string): ChallengeSolver {
  const dns = plugin.services.tryResolve(dnsZonesRef);
  if (!dns) throw new PreflightError('This certificate needs a dns-01 challenge (a wildcard, or a name without a website here) and no DNS plugin is active. The CA was not asked.');
  const change = async (name: string, value: string, op: 'addValue' | 'removeValue') => {
    const zone = await plugin.db.transaction(tenantId, async (trx) => {
      const zones = dns.forTenant(trx, tenantId);
      const found = await zones.findZoneFor(name);
      if (!found) throw new PreflightError(`The zone of ${name} is not hosted here: add it to DNS first (or point its _acme-challenge record here).`);
      const record = { name: `_acme-challenge.${name}.`, type: 'TXT' as const, value: `"${value}"` };
      if (op === 'addValue') await zones.addValue({ ...record, ttl: 60 });
      else await zones.removeValue(record);
      return found;
    });
    await dns.publishNow(tenantId, zone.name);
  };
  return {
    create: ({ name, value }) => change(name, value, 'addValue'),
    remove: ({ name, value }) => change(name, value, 'removeValue'),
  };
}

/** dns-01 pre-flight: every name's zone is one of the tenant's hosted zones. */
export async function preflightDns(plugin: PluginContext, tenantId: string, names: string[]): Promise<void> {
  const dns = plugin.services.tryResolve(dnsZonesRef);
  if (!dns) throw new PreflightError('This certificate needs a dns-01 challenge (a wildcard, or a name without a website here) and no DNS plugin is active. The CA was not asked.');
  await plugin.db.transaction(tenantId, async (trx) => {
    const zones = dns.forTenant(trx, tenantId);
    for (const name of new Set(names.map(baseOf))) {
      if (!(await zones.findZoneFor(name))) throw new PreflightError(`The zone of ${name} is not hosted here: dns-01 needs mPanel to serve the zone. The CA was not asked.`);
    }
  });
}

/**
 * One issuance run of a claimed certificate (the `ssl.issue` job): pre-flight, the ACME order,
 * the new certificate stored, then installed on the site's server. A failure anywhere is counted,
 * stored in plain words and retried after the back-off; a certificate issued but not installed is
 * only installed again (no new order).
 */
export async function runIssue(deps: Deps, tenantId: string, certificateId: string, signal?: AbortSignal): Promise<'issued' | 'installed' | 'failed' | 'skipped'> {
  const { plugin } = deps;
  const row = await plugin.db.transaction(tenantId, (trx) => tdb(trx, tenantId)('certificates').where('certificates.id', certificateId).first()) as CertificateRow | undefined;
  if (!row || !row.in_progress_since) return 'skipped';
  const now = new Date();
  const sites = plugin.services.tryResolve(hostingSitesRef);
  let stage = 'issue';
  try {
    const server = await plugin.db.transaction(tenantId, (trx) => serverOf(plugin, trx, tenantId, row));
    const installable = Boolean(row.site_id || row.panel_domain || server);
    const stillValid = row.certificate_pem && row.not_after && row.renew_at && row.renew_at.getTime() > now.getTime();
    if (stillValid && installable && !row.installed_at) {
      stage = 'install';
      await install(deps, row, plugin.secrets.open(row.private_key!, 'certificates.private_key', tenantId), row.certificate_pem!, server);
      return 'installed';
    }
    const settings = await plugin.settings.get(tenantId);
    const directoryUrl = settings.directoryUrl || DEFAULT_DIRECTORY;
    let site: HostedSite | null = null;
    if (row.site_id) {
      if (!sites) throw new PreflightError('The hosting plugin is not active: the website of this certificate cannot be reached.');
      site = await plugin.db.transaction(tenantId, (trx) => sites.forTenant(trx, tenantId).get(row.site_id!));
      if (!site) throw new PreflightError('The website of this certificate no longer exists: delete the certificate or request it again.');
    }
    let solver: ChallengeSolver;
    if (row.challenge === 'http-01' && row.panel_domain) {
      if (settings.preflight !== false) await preflightHttp(resolverFor(settings.preflightResolvers ?? []), row.names, { address: null, label: 'mPanel (the front proxy of the panel)' });
      solver = panelHttpSolver(plugin, tenantId);
    } else if (row.challenge === 'http-01') {
      if (!site) throw new PreflightError('http-01 needs the website the names are served by.');
      if (settings.preflight !== false) await preflightHttp(resolverFor(settings.preflightResolvers ?? []), row.names, { address: site.serverAddress, label: serverLabel(site) });
      solver = httpSolver(plugin, tenantId, site.id);
    } else {
      if (settings.preflight !== false) await preflightDns(plugin, tenantId, row.names);
      solver = dnsSolver(plugin, tenantId);
    }
    const host = new URL(directoryUrl).hostname.replace(/^\[|\]$/g, '');
    await plugin.net.resolvePublic(host).catch((err: Error) => {
      throw new PreflightError(`The ACME directory ${directoryUrl} is not allowed: ${err.message}`);
    });
    await probeDirectory(directoryUrl);
    const account = await accountFor(plugin, tenantId, directoryUrl, settings.email ?? null);
    const issued = await issueCertificate({
      directoryUrl, accountKeyPem: account.keyPem, accountUrl: account.accountUrl, email: settings.email ?? null,
      eab: settings.eabKid && settings.eabHmacKey ? { kid: settings.eabKid, hmacKey: settings.eabHmacKey } : null,
    }, row.names, row.challenge, solver, signal);
    if (!account.accountUrl) {
      await plugin.db.transaction(tenantId, (trx) => tdb(trx, tenantId)('acme_accounts').where('acme_accounts.id', account.id).update({ account_url: issued.accountUrl, updated_at: new Date() }));
    }
    await storeIssued(deps, row, issued, directoryUrl, installable);
    deps.metrics.issued('ok', row.challenge);
    if (installable) {
      stage = 'install';
      await install(deps, row, issued.keyPem, issued.certPem, server);
    }
    return 'issued';
  } catch (err) {
    if (stage === 'issue') deps.metrics.issued('failed', row.challenge);
    await recordFailure(deps, row, stage === 'install' ? `The certificate was issued but installing it on the server failed: ${(err as Error).message}` : err instanceof PreflightError ? err.message : plainError(err));
    return 'failed';
  }
}

async function storeIssued(deps: Deps, row: CertificateRow, issued: Issued, directoryUrl: string, installable: boolean): Promise<void> {
  const { plugin } = deps;
  const now = new Date();
  await plugin.db.transaction(row.tenant_id, async (trx) => {
    await tdb(trx, row.tenant_id)('certificates').where('certificates.id', row.id).update({
      status: 'active', not_before: issued.notBefore, not_after: issued.notAfter, renew_at: renewAt(issued.notBefore, issued.notAfter, row.id),
      failure_count: 0, next_attempt_at: null, last_error: null, last_error_at: null, last_attempt_at: now, issued_at: now,
      installed_at: null, serial: issued.serial, issuer: issued.issuer, directory_url: directoryUrl,
      private_key: plugin.secrets.seal(issued.keyPem, 'certificates.private_key', row.tenant_id), certificate_pem: issued.certPem,
      // Without a site, panel domain or server there is nothing to install: the run is over.
      in_progress_since: installable ? now : null, updated_at: now,
    });
    await plugin.events.emit('certificate.issued', {
      certificateId: row.id, names: row.names, siteId: row.site_id, clientId: row.client_id, notAfter: issued.notAfter.toISOString(), renewal: row.not_after !== null,
    });
  });
}

async function install(deps: Deps, row: CertificateRow, keyPem: string, certPem: string, server: HostedServer | null): Promise<void> {
  const { plugin } = deps;
  if (server) {
    const sites = plugin.services.tryResolve(hostingSitesRef);
    if (!sites) throw new Error('the hosting plugin is not active');
    await sites.installServerCertificate(row.tenant_id, server.id, { names: row.names, certPem, keyPem });
  } else if (row.panel_domain) {
    const dir = tlsDir();
    if (!dir) throw new Error('MPANEL_TLS_DIR is not set: mPanel has nowhere to put the panel domain\'s certificate for the front proxy');
    writeTlsPair(dir, row.primary_name, certPem, keyPem);
  } else {
    const sites = plugin.services.tryResolve(hostingSitesRef);
    if (!sites) throw new Error('the hosting plugin is not active');
    await sites.installCertificate(row.tenant_id, row.site_id!, { certificateId: row.id, certPem, keyPem });
  }
  const now = new Date();
  await plugin.db.transaction(row.tenant_id, (trx) => tdb(trx, row.tenant_id)('certificates').where('certificates.id', row.id)
    .update({ installed_at: now, in_progress_since: null, next_attempt_at: null, failure_count: 0, last_error: null, last_error_at: null, updated_at: now }));
}

async function recordFailure(deps: Deps, row: CertificateRow, message: string): Promise<void> {
  const { plugin } = deps;
  const now = new Date();
  const current = await plugin.db.transaction(row.tenant_id, async (trx) => {
    const db = tdb(trx, row.tenant_id);
    const fresh = (await db('certificates').where('certificates.id', row.id).forUpdate().first()) as CertificateRow | undefined;
    if (!fresh) return null;
    const failures = fresh.failure_count + 1;
    const status = fresh.not_after ? (fresh.not_after.getTime() > now.getTime() ? 'active' : 'expired') : 'failed';
    await db('certificates').where('certificates.id', row.id).update({
      status, failure_count: failures, next_attempt_at: new Date(now.getTime() + backoffMs(failures)),
      last_error: message.slice(0, 4000), last_error_at: now, last_attempt_at: now, in_progress_since: null, updated_at: now,
    });
    await plugin.events.emit('certificate.failed', { certificateId: row.id, names: row.names, siteId: row.site_id, clientId: row.client_id, failureCount: failures, error: message.slice(0, 1000) });
    return { ...fresh, failure_count: failures };
  });
  // Staff hear of the first failure at once (later ones are on the list and the dashboard count).
  if (current && current.failure_count === 1) {
    await plugin.services.tryResolve(notificationsRef)?.notify({
      tenantId: row.tenant_id, type: 'ssl.certificate.failed', permission: 'certificates.write',
      title: `Certificate for ${row.primary_name} failed`, body: message.slice(0, 500), link: '/ssl/certificates',
      data: { certificateId: row.id }, idempotencyKey: `ssl:failed:${row.id}:${row.last_attempt_at?.getTime() ?? 0}`,
    }).catch((err: Error) => plugin.logger.warn({ err: err.message }, 'ssl: staff notification failed'));
  }
}

/** Server certificates issued but not installed yet (the install failed): due for another install. */
async function serverInstallsDue(plugin: PluginContext, trx: Knex.Transaction, tenantId: string, now: Date, due: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<string[]> {
  if (!plugin.services.tryResolve(hostingSitesRef)) return [];
  const rows = (await tdb(trx, tenantId)('certificates').whereNotNull('certificate_pem').whereNull('installed_at').whereNull('site_id').where('panel_domain', false)
    .where((q) => q.whereNull('in_progress_since').orWhere('in_progress_since', '<', new Date(now.getTime() - STALE_CLAIM_MS)))
    .where(due).orderBy('renew_at').limit(50).forUpdate().skipLocked()
    .select('id', 'site_id', 'panel_domain', 'primary_name')) as Array<Pick<CertificateRow, 'id' | 'site_id' | 'panel_domain' | 'primary_name'>>;
  const out: string[] = [];
  for (const r of rows) if (await serverOf(plugin, trx, tenantId, r)) out.push(r.id);
  return out;
}

/** Counts for the dashboard and the metrics: every health state, zeros included. */
export async function summary(db: TenantDb, now = new Date(), clientId: string | null = null): Promise<Record<CertificateHealth | 'total', number>> {
  const q = db('certificates').select('status', 'not_before', 'not_after', 'failure_count');
  if (clientId) q.where('certificates.client_id', clientId);
  const rows = await q;
  const out = { total: rows.length, ok: 0, pending: 0, failing: 0, renewal_failing: 0, expiring: 0, expired: 0 };
  for (const r of rows) out[healthOf(r, now)]++;
  return out;
}

export const SSL_EXPIRING_TEMPLATE = 'ssl.certificate.expiring';

/**
 * The per-minute sweep for one tenant: certificates of released panel domains dropped (row and
 * installed pair), expired certificates marked, due issuances and renewals
 * (and retries after the back-off) claimed and queued, expiry alerts sent once per lifetime.
 */
export async function sweepTenant(deps: Deps, tenantId: string, now = new Date()): Promise<{ queued: number; alerted: number; counts: Record<string, number> }> {
  const { plugin } = deps;
  const { queued, alerts, counts, released } = await plugin.db.transaction(tenantId, async (trx) => {
    const db = tdb(trx, tenantId);
    const released = await dropReleasedPanelCertificates(db, now, STALE_CLAIM_MS);
    await db('certificates').where('status', 'active').where('not_after', '<=', now).update({ status: 'expired', updated_at: now });
    const due = (q: Knex.QueryBuilder) => q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now);
    const ids = (await db('certificates')
      .where((q) => q.whereNull('in_progress_since').orWhere('in_progress_since', '<', new Date(now.getTime() - STALE_CLAIM_MS)))
      .where((q) => q
        .where((a) => a.whereIn('status', ['pending', 'failed']).where(due))
        .orWhere((a) => a.whereIn('status', ['active', 'expired']).where('auto_renew', true).where('renew_at', '<=', now).where(due))
        .orWhere((a) => a.whereNotNull('certificate_pem').whereNull('installed_at').where((w) => w.whereNotNull('site_id').orWhere('panel_domain', true)).where(due)))
      .orderBy('renew_at').limit(50).forUpdate().skipLocked().pluck('certificates.id')) as string[];
    ids.push(...(await serverInstallsDue(plugin, trx, tenantId, now, due)).filter((id) => !ids.includes(id)));
    let queued = 0;
    for (const id of ids) if (await claimAndEnqueue(plugin, db, id, now)) queued++;
    // Less than a sixth left and not alerted for this lifetime (alertDue decides; SQL only narrows).
    const candidates = (await db('certificates').whereNotNull('not_after').whereNotNull('not_before').where('status', '<>', 'pending')
      .whereRaw('certificates.not_after - (certificates.not_after - certificates.not_before) / 6 <= ?', [now])
      .where((q) => q.whereNull('alerted_for').orWhereRaw('certificates.alerted_for <> certificates.not_after'))) as CertificateRow[];
    const alerts = candidates.filter((r) => alertDue(r, now));
    for (const r of alerts) await db('certificates').where('certificates.id', r.id).update({ alerted_for: r.not_after, updated_at: now });
    return { queued, alerts, counts: await summary(db, now), released };
  });
  // After the commit: a rolled-back sweep leaves the files with their rows.
  const dir = tlsDir();
  for (const r of released) {
    const removed = dir ? removeTlsPair(dir, r) : false;
    plugin.logger.info({ certificateId: r.id, domain: r.name, removed }, 'panel domain released: certificate dropped');
  }
  for (const r of alerts) await sendExpiryAlert(plugin, tenantId, r, now);
  return { queued, alerted: alerts.length, counts };
}

async function sendExpiryAlert(plugin: PluginContext, tenantId: string, row: CertificateRow, now: Date): Promise<void> {
  const notifications = plugin.services.tryResolve(notificationsRef);
  const days = Math.max(0, Math.floor((row.not_after!.getTime() - now.getTime()) / 86_400_000));
  const expired = row.not_after!.getTime() <= now.getTime();
  const reason = row.last_error ?? (row.auto_renew ? 'The renewal has not succeeded yet.' : 'Automatic renewal is off.');
  const title = expired ? `Certificate for ${row.primary_name} has expired` : `Certificate for ${row.primary_name} expires in ${days} day(s)`;
  const key = `ssl:expiring:${row.id}:${row.not_after!.getTime()}`;
  if (!notifications) {
    plugin.logger.warn({ certificateId: row.id }, `ssl: ${title} (no notifications plugin to tell anyone)`);
    return;
  }
  await notifications.notify({ tenantId, type: 'ssl.certificate.expiring', permission: 'certificates.write', title, body: reason, link: '/ssl/certificates', data: { certificateId: row.id }, idempotencyKey: key })
    .catch((err: Error) => plugin.logger.warn({ err: err.message }, 'ssl: staff alert failed'));
  if (!row.client_id) return;
  const client = await plugin.db.transaction(tenantId, (trx) => tdb(trx, tenantId)('clients').where('clients.id', row.client_id!).first('email', 'first_name', 'last_name', 'language')) as Record<string, string | null> | undefined;
  if (!client?.email) return;
  const name = `${client.first_name ?? ''} ${client.last_name ?? ''}`.trim();
  await notifications.sendMail({
    template: SSL_EXPIRING_TEMPLATE, tenantId, to: { email: client.email, name }, language: client.language, clientId: row.client_id,
    data: { name, domain: row.primary_name, days, expired, notAfter: row.not_after!.toISOString().slice(0, 10), reason },
    idempotencyKey: key,
  }).catch((err: Error) => plugin.logger.warn({ err: err.message }, 'ssl: client alert failed'));
}

import { mkdir, rm } from 'node:fs/promises';
import type { DesiredResource, ObservedResource } from '@mpanel/sdk';
import type { AgentEnv, Op, OpContext } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { certDir, deleteSite, listSites, readAccount, readSite, writeSite, type AccountRecord, type SiteRecord } from './state.ts';
import { acmeDir, acmeTokenDir, certFile, homeOf, keyFile, vhostFile } from './layout.ts';
import { ensureDir, readIfExists, secureDir } from './files.ts';
import type { FileChange } from './config-txn.ts';
import { applyVhosts, probe, reloadNginx, verify } from './nginx.ts';
import { renderVhost, SUSPENDED_MARKER } from './vhost.ts';
import { fpmVersion, waitForSocket } from './fpm.ts';
import { groupId, passwd } from './system.ts';

type SiteParams = { username: string; site: Extract<DesiredResource, { kind: 'site' }> };

export const webSuspended = (account: AccountRecord) => account.state === 'suspended' && account.suspension.web;
export const siteSuspended = (site: SiteRecord, account: AccountRecord) => site.state === 'suspended' || webSuspended(account);

export async function managedAccount(env: AgentEnv, username: string): Promise<AccountRecord> {
  const account = await readAccount(env, username);
  if (!account) throw new OpError('NOT_FOUND', `Account ${username} does not exist on this server: run account.ensure first`);
  return account;
}

/** Creates <home>/web/…/public_html: parents 711 owned by the user, the docroot user:www-data 750, refusing symlinks. */
async function ensureDocroot(env: AgentEnv, site: SiteRecord): Promise<void> {
  const user = await passwd(site.username);
  if (!user) throw new OpError('NOT_FOUND', `Linux user ${site.username} is missing: run account.ensure`);
  const www = await groupId('www-data');
  const parts = site.docroot.split('/');
  let path = homeOf(env, site.username);
  for (const [i, part] of parts.entries()) {
    path = `${path}/${part}`;
    const last = i === parts.length - 1;
    await mkdir(path, { mode: 0o711 }).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error; });
    await secureDir(path, last ? 0o750 : 0o711, user.uid, last ? www : user.gid);
  }
}

function toRecord(username: string, site: SiteParams['site'], previous: SiteRecord | null): SiteRecord {
  const domain = v.domain(site.domain);
  if (!Array.isArray(site.aliases) || site.aliases.length > 50) throw new OpError('INVALID_INPUT', 'aliases must be a list of at most 50 domains');
  const aliases = [...new Set(site.aliases.map((a) => v.domain(a, { wildcard: true })))].filter((a) => a !== domain);
  const php = site.php === null ? null : { version: v.phpVersion(v.object(site.php, 'php').version), maxChildren: v.int(site.php.maxChildren, 'php.maxChildren', 1, 500) };
  // Omitted tls: keep the certificate the site has (installed by cert.install), applying forceHttps when given.
  const tls = site.tls === undefined
    ? (previous?.tls ? { forceHttps: typeof site.forceHttps === 'boolean' ? site.forceHttps : previous.tls.forceHttps } : null)
    : site.tls === null ? null : { forceHttps: Boolean(v.object(site.tls, 'tls').forceHttps) };
  if (previous && previous.username !== username) throw new OpError('CONFLICT', `Site ${site.id} belongs to another account on this server`);
  return { username, id: v.id(site.id, 'site id'), domain, aliases, docroot: v.docroot(site.docroot, `web/${domain}/public_html`), php, tls, state: v.state(site.state) };
}

/** Renders and applies a set of sites in one nginx transaction (validated, rolled back, one reload). */
export async function applySites(env: AgentEnv, sites: SiteRecord[], account: AccountRecord, extra: FileChange[] = []): Promise<boolean> {
  return applyVhosts(env, [...extra, ...sites.map((s) => ({ path: vhostFile(env, s), content: renderVhost(env, s, { suspended: siteSuspended(s, account) }) }))]);
}

/** A certificate and key as part of the same nginx transaction as the vhost: `nginx -t` checks the pair, a refusal puts the old files back. */
export async function certChanges(env: AgentEnv, siteId: string, certPem: unknown, keyPem: unknown): Promise<FileChange[]> {
  const changes = [
    { path: certFile(env, siteId), content: v.pem(certPem, 'certificate'), mode: 0o644 },
    { path: keyFile(env, siteId), content: v.pem(keyPem, 'private key'), mode: 0o600 },
  ];
  await ensureDir(certDir(env), 0o700);
  return changes;
}

const ensure: Op<SiteParams> = {
  name: 'site.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    const username = v.username(params.username, env.userPrefix);
    const desired = v.object(params.site, 'site') as SiteParams['site'];
    const account = await managedAccount(env, username);
    const previous = await readSite(env, v.id(desired.id, 'site id'));
    const site = toRecord(username, desired, previous);
    await ctx.step('validate', async () => {
      if (site.php) {
        const installed = await fpmVersion(env);
        if (installed !== site.php.version) throw new OpError('UNSUPPORTED', `PHP ${site.php.version} is not installed on this server (it has ${installed ?? 'none'})`);
      }
      if (desired.tls && !env.nginx.tlsListen) throw new OpError('UNSUPPORTED', 'This server has no HTTPS listener configured');
      const names = new Set([site.domain, ...site.aliases]);
      const others = (await listSites(env)).filter((s) => s.id !== site.id);
      const clash = others.find((s) => [s.domain, ...s.aliases].some((n) => names.has(n)));
      if (clash) throw new OpError('CONFLICT', `${[...names].find((n) => [clash.domain, ...clash.aliases].includes(n))} is already served by another site on this server`);
      const limit = account.plan.sites;
      if (!previous && limit !== null && others.filter((s) => s.username === username).length >= limit) {
        throw new OpError('CAPACITY', `The plan allows ${limit} site(s); remove one or upgrade`);
      }
    });
    await ctx.step('docroot', () => ensureDocroot(env, site));
    await ctx.step('acme webroot', () => ensureAcmeDir(env, site.id));
    const certs = desired.tls ? await certChanges(env, site.id, desired.tls.certPem, desired.tls.keyPem) : [];
    if (site.php && !siteSuspended(site, account)) await ctx.step('php pool socket', () => waitForSocket(env, username));
    const changed = await ctx.step('vhost', async () => {
      await writeSite(env, site);
      try {
        return await applySites(env, [site], account, certs);
      } catch (error) {
        // The vhost was rolled back: so is the record of it.
        if (previous) await writeSite(env, previous);
        else await deleteSite(env, site.id);
        throw error;
      }
    });
    const suspended = siteSuspended(site, account);
    const expected = (status: number | null) => (suspended ? status === 503 : status !== null && status !== 503);
    // Unchanged but not answering as it should: an agent killed between writing the vhost and reloading left it unloaded.
    const reload = !changed && !expected(await probe(env, site.domain));
    if (reload) await ctx.step('reload', () => reloadNginx(env));
    if (changed || reload) await ctx.step('verify', () => verify(env, site.domain, expected));
    return observeSite(env, site.id);
  },
};

export async function ensureAcmeDir(env: AgentEnv, siteId: string): Promise<void> {
  await ensureDir(env.acmeRoot, 0o755);
  await ensureDir(acmeDir(env, siteId), 0o755);
  await ensureDir(`${acmeDir(env, siteId)}/.well-known`, 0o755);
  await ensureDir(acmeTokenDir(env, siteId), 0o755);
}


/** Removes a site's vhost, ACME webroot and certificate; its files in the home stay (they are the customer's). */
export async function removeSite(ctx: OpContext, site: SiteRecord): Promise<void> {
  const { env } = ctx;
  await ctx.step(`vhost ${site.domain}`, () => applyVhosts(env, [{ path: vhostFile(env, site), content: null }]));
  await ctx.step(`verify ${site.domain} gone`, () => verify(env, site.domain, (status) => status === null));
  await rm(acmeDir(env, site.id), { recursive: true, force: true });
  await rm(certFile(env, site.id), { force: true });
  await rm(keyFile(env, site.id), { force: true });
  await deleteSite(env, site.id);
}

const remove: Op<{ username: string; siteId: string; domain?: string }> = {
  name: 'site.remove',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    const siteId = v.id(params.siteId, 'site id');
    const site = await readSite(ctx.env, siteId);
    if (site && site.username !== username) throw new OpError('CONFLICT', `Site ${siteId} belongs to another account on this server`);
    if (site) await removeSite(ctx, site);
    return { kind: 'site', id: siteId, exists: false } satisfies ObservedResource;
  },
};

export async function observeSite(env: AgentEnv, siteId: string): Promise<ObservedResource> {
  const site = await readSite(env, siteId);
  const vhost = site ? await readIfExists(vhostFile(env, site)) : null;
  if (!site || vhost === null) return { kind: 'site', id: siteId, exists: false };
  const account = await readAccount(env, site.username);
  const suspended = vhost.includes(SUSPENDED_MARKER);
  const drift: string[] = [];
  if (account && suspended !== siteSuspended(site, account)) drift.push(suspended ? 'vhost serves 503 but should be active' : 'vhost serves the site but should be suspended');
  return { kind: 'site', id: siteId, exists: true, state: suspended ? 'suspended' : 'active', ...(drift.length ? { drift } : {}), detail: { domain: site.domain, aliases: site.aliases, docroot: site.docroot, php: site.php?.version ?? null, tls: site.tls !== null } };
}

export const siteOps = [ensure, remove];

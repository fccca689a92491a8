import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Op } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { atomicWrite } from './files.ts';
import { acmeTokenDir } from './layout.ts';
import { readSite, writeSite } from './state.ts';
import { applySites, certChanges, ensureAcmeDir, managedAccount, observeSite } from './site.ts';

/** Installs a certificate for a site and serves it on the HTTPS listener; the old files come back if nginx -t refuses the pair. */
const install: Op<{ username: string; siteId: string; domain: string; certPem: string; keyPem: string; forceHttps?: boolean }> = {
  name: 'cert.install',
  async run(ctx, params) {
    const { env } = ctx;
    const username = v.username(params.username, env.userPrefix);
    const siteId = v.id(params.siteId, 'site id');
    v.domain(params.domain);
    if (!env.nginx.tlsListen) throw new OpError('UNSUPPORTED', 'This server has no HTTPS listener configured');
    const account = await managedAccount(env, username);
    const site = await readSite(env, siteId);
    if (!site || site.username !== username) throw new OpError('NOT_FOUND', `Site ${siteId} does not exist for ${username}: run site.ensure first`);
    const forceHttps = typeof params.forceHttps === 'boolean' ? params.forceHttps : site.tls?.forceHttps ?? false;
    const next = { ...site, tls: { forceHttps } };
    const certs = await certChanges(env, siteId, params.certPem, params.keyPem);
    await ctx.step('certificate and vhost', async () => {
      await applySites(env, [next], account, certs);
      await writeSite(env, next);
    });
    return observeSite(env, siteId);
  },
};

/** http-01: the panel runs the ACME order and drops the key authorization into the site's root-owned webroot. */
const tokenPut: Op<{ siteId: string; token: string; keyAuthorization: string }> = {
  name: 'acme.token.put',
  async run(ctx, params) {
    const siteId = v.id(params.siteId, 'site id');
    const token = v.acmeToken(params.token);
    const value = v.keyAuthorization(params.keyAuthorization);
    if (!(await readSite(ctx.env, siteId))) throw new OpError('NOT_FOUND', `Site ${siteId} does not exist on this server`);
    await ctx.step('token', async () => {
      await ensureAcmeDir(ctx.env, siteId);
      await atomicWrite(join(acmeTokenDir(ctx.env, siteId), token), value, 0o644);
    });
    return { siteId, token, present: true };
  },
};

const tokenDelete: Op<{ siteId: string; token: string }> = {
  name: 'acme.token.delete',
  async run(ctx, params) {
    const siteId = v.id(params.siteId, 'site id');
    const token = v.acmeToken(params.token);
    await ctx.step('token', () => rm(join(acmeTokenDir(ctx.env, siteId), token), { force: true }));
    return { siteId, token, present: false };
  },
};

export const certOps = [install, tokenPut, tokenDelete];

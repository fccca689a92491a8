import { ValidationError } from '@mpanel/sdk';
import { Website } from '../models/index.ts';
import { ensureHostingZone, removeWebsiteZone } from '../dns/zones.ts';
import { phpVersion } from '../plans/limits.ts';
import { objectBody } from '../routes/common.ts';
import { checkedDomain, domainProblem, normaliseDomain } from './domains.ts';
import type { ResourceSpec, SpecContext } from './spec.ts';

const fields = {
  domain: { type: 'string', minLength: 3, maxLength: 253 },
  aliases: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 3, maxLength: 253 } },
  docroot: { type: 'string', minLength: 1, maxLength: 200 },
  phpVersion: { anyOf: [phpVersion, { type: 'null' }] },
  redirectHttps: { type: 'boolean' },
};
const { domain: _domain, ...changeable } = fields;

/** Relative to the account's home, no way out of it. */
function docrootProblem(docroot: string): string | null {
  if (!/^[A-Za-z0-9._/-]+$/.test(docroot) || docroot.startsWith('/') || docroot.split('/').some((s) => s === '..' || s === '')) {
    return 'must be a path inside the account\'s home (letters, digits, . _ - /), without ".."';
  }
  return null;
}

/** Checks aliases, PHP version and document root against the plan; returns the columns. */
function check(ctx: SpecContext, domain: string, body: Record<string, unknown>): Record<string, unknown> {
  const problems: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  if (body.aliases !== undefined) {
    const aliases = [...new Set((body.aliases as string[]).map(normaliseDomain))];
    aliases.forEach((a, i) => {
      const p = a === domain ? 'repeats the domain' : domainProblem(a);
      if (p) problems[`aliases[${i}]`] = p;
    });
    out.aliases = aliases;
  }
  if (body.phpVersion !== undefined) {
    const allowed = ctx.plan.limits.phpVersions ?? [];
    if (body.phpVersion !== null && !allowed.includes(body.phpVersion as string)) {
      problems.phpVersion = allowed.length ? `must be one of the plan's PHP versions: ${allowed.join(', ')}` : 'the plan allows no PHP';
    }
    out.phpVersion = body.phpVersion;
  }
  if (body.docroot !== undefined) {
    const p = docrootProblem(body.docroot as string);
    if (p) problems.docroot = p;
    out.docroot = body.docroot;
  }
  if (body.redirectHttps !== undefined) out.redirectHttps = body.redirectHttps;
  if (Object.keys(problems).length) throw new ValidationError(problems);
  return out;
}

export const websiteSpec: ResourceSpec<Website> = {
  segment: 'websites',
  param: 'websiteId',
  model: Website,
  subjectType: 'site',
  limit: 'sites',
  noun: 'website',
  // One live site per domain on the whole platform (a unique index across tenants).
  duplicate: 'The domain is already hosted',
  createBody: objectBody(fields, ['domain']),
  patchBody: objectBody(changeable, [], 1),
  async build(ctx, body) {
    const domain = checkedDomain(body.domain as string)!;
    const row = check(ctx, domain, { docroot: `web/${domain}/public_html`, phpVersion: ctx.plan.limits.phpVersions?.[0] ?? null, ...body });
    return { row: { ...row, domain } };
  },
  async afterCreate(ctx, site) {
    await ensureHostingZone(ctx.h.plugin, ctx.h.db, { accountId: ctx.account.id, websiteId: site.id, domain: site.domain, serverId: ctx.account.serverId, clientId: ctx.account.clientId });
  },
  async afterRemove(ctx, site) {
    await removeWebsiteZone(ctx.h.plugin, ctx.h.db, site.id);
  },
  async patch(ctx, site, body) {
    return { row: check(ctx, site.domain, body) };
  },
  desired(ctx, site) {
    return {
      kind: 'site', domain: site.domain, aliases: site.aliases, docroot: site.docroot,
      php: site.phpVersion ? { version: site.phpVersion, maxChildren: ctx.plan.limits.phpMaxChildren } : null,
      // tls omitted: the server keeps the certificate the ssl plugin installed (cert.install); the redirect follows the site.
      forceHttps: site.redirectHttps,
    };
  },
};


import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { ConflictError, NotFoundError, ValidationError, type PluginContext } from '@mpanel/sdk';
import { HostingAccount, MailAlias, MailDomain, Mailbox, type Autoresponder, type HostingPlan } from '../models/index.ts';
import { idParams, objectBody, route, uuid, type Hosting } from '../routes/common.ts';
import { resourceOperation } from '../routes/account-resources.ts';
import { addMailDns, checkMailDns, mailHost, removeMailDns } from '../dns/mail-records.ts';
import { checkedDomain } from './domains.ts';
import { checkedAddress, hashMailPassword, localPartProblem, normaliseLocalPart } from './mail-addresses.ts';
import type { ResourceSpec, SpecContext } from './spec.ts';

const keyPair = promisify(generateKeyPair);
const dkimField = (mailDomainId: string) => `mail-dkim:${mailDomainId}`;
const LIVE = ['creating', 'active', 'suspended', 'failed'];

/** The DKIM private key of a mail domain, opened for the module call only. */
export function openDkimKey(plugin: PluginContext, tenantId: string, mailDomainId: string, sealed: string): string {
  return plugin.secrets.open(sealed, dkimField(mailDomainId), tenantId);
}

/** RSA 2048 (what every receiver verifies); the public key as DNS wants it (base64 SPKI DER). */
async function dkimKeys(): Promise<{ privateKeyPem: string; publicKey: string }> {
  const { privateKey, publicKey } = await keyPair('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'),
  };
}

/** Incoming mail of a suspended account: kept (queued/delivered, login refused) or bounced, from the plan. */
function suspendPolicy(ctx: Pick<SpecContext, 'plan'>): 'keep' | 'bounce' {
  return (ctx.plan.suspensionPolicy as { mailReceive?: boolean } | null)?.mailReceive === true ? 'bounce' : 'keep';
}

/**
 * The plan's policy for incoming mail changed (`suspensionPolicy.mailReceive`): every live mailbox
 * of the plan's accounts carries the policy to its server (the agent keeps it per mailbox), so a
 * suspension after the change bounces or keeps as the plan now says. Returns how many were queued.
 */
export async function reapplyMailPolicy(h: Hosting, before: HostingPlan, after: HostingPlan): Promise<number> {
  if (suspendPolicy({ plan: before }) === suspendPolicy({ plan: after })) return 0;
  const accounts = await HostingAccount.scoped(h.db).where({ plan_id: after.id }).whereNot({ desired_state: 'terminated' });
  let queued = 0;
  for (const account of accounts) {
    const ctx: SpecContext = { h, account, plan: after };
    for (const mb of await Mailbox.scoped(h.db).where({ account_id: account.id }).whereIn('state', ['creating', 'active', 'suspended'])) {
      // 'active': the agent applies the account's suspension to its mailboxes by itself; a mailbox
      // sent 'suspended' here would stay suspended on the server after the account is unsuspended.
      await resourceOperation(mailboxSpec, ctx, mb, 'resource.ensure', {}, 'active');
      queued++;
    }
  }
  return queued;
}

const catchAll = { type: ['string', 'null'], minLength: 3, maxLength: 254 } as const;

function checkedCatchAll(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const r = checkedAddress(value as string);
  if ('problem' in r) throw new ValidationError({ catchAll: r.problem });
  return r.address;
}

export const mailDomainSpec: ResourceSpec<MailDomain> = {
  segment: 'mail-domains',
  param: 'mailDomainId',
  model: MailDomain,
  subjectType: 'mailDomain',
  limit: 'mailDomains',
  noun: 'mail domain',
  // Postfix routes by domain: one live mail domain per name on the platform.
  duplicate: 'The domain already receives mail here',
  createBody: objectBody({ domain: { type: 'string', minLength: 3, maxLength: 253 }, catchAll }, ['domain']),
  patchBody: objectBody({ catchAll }, [], 1),
  async build(ctx, body, id) {
    const domain = checkedDomain(body.domain as string)!;
    const catchAllAddress = checkedCatchAll(body.catchAll);
    const { privateKeyPem, publicKey } = await dkimKeys();
    const d = new Date();
    const selector = `mp${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    return {
      row: { domain, catchAll: catchAllAddress, dkimSelector: selector, dkimPublicKey: publicKey, dkimPrivateSealed: ctx.h.plugin.secrets.seal(privateKeyPem, dkimField(id), ctx.h.db.tenantId), dnsRecords: [] },
    };
  },
  async patch(_ctx, _row, body) {
    return { row: { catchAll: checkedCatchAll(body.catchAll) } };
  },
  // The private key travels sealed; the engine opens it for the call (provisioning/apply.ts).
  desired: (_ctx, md) => ({
    kind: 'mailDomain', domain: md.domain, dkim: { selector: md.dkimSelector, privateKeySealed: md.dkimPrivateSealed },
    ...(md.catchAll ? { catchAll: md.catchAll } : {}),
  }),
  async afterCreate(ctx, md) {
    await addMailDns(ctx, md);
  },
  async afterRemove(ctx, md) {
    // The domain's removal takes its maps (mailboxes, aliases) off the server with it.
    for (const table of ['mailboxes', 'mail_aliases']) {
      await ctx.h.db(table).where(`${table}.mail_domain_id`, md.id).whereNot(`${table}.state`, 'removed').update({ state: 'removed', updated_at: new Date() });
    }
    await removeMailDns(ctx, md);
  },
  extraRoutes: (helpers) => [
    route(helpers.plugin, {
      method: 'GET', path: '/api/v1/hosting-accounts/:id/mail-domains/:mailDomainId/dns-check', permission: 'mail-domains.read',
      schema: { params: { ...idParams, required: ['id', 'mailDomainId'], properties: { id: uuid, mailDomainId: uuid } } },
    }, async (h, ctx) => {
      const sc = await helpers.load(h, ctx.input.params);
      return checkMailDns(sc, sc.row);
    }),
    // What a mail client needs (the user name is the full address): the account's server, standard ports.
    route(helpers.plugin, {
      method: 'GET', path: '/api/v1/hosting-accounts/:id/mail-domains/:mailDomainId/client-settings', permission: 'mail-domains.read',
      schema: { params: { ...idParams, required: ['id', 'mailDomainId'], properties: { id: uuid, mailDomainId: uuid } } },
    }, async (h, ctx) => {
      const sc = await helpers.load(h, ctx.input.params);
      const host = await mailHost(sc, sc.row.domain);
      return {
        domain: sc.row.domain, username: `<mailbox>@${sc.row.domain}`,
        imap: { host, port: 993, security: 'SSL/TLS' },
        pop3: { host, port: 995, security: 'SSL/TLS' },
        smtp: { host, port: 587, security: 'STARTTLS', authentication: 'password' },
      };
    }),
  ],
};

/** The account's live mail domain `id` (404 when it is another account's or gone; 409 while it is being removed). */
async function liveDomain(ctx: SpecContext, id: string): Promise<MailDomain> {
  const md = await MailDomain.scoped(ctx.h.db).where({ account_id: ctx.account.id }).whereNot({ state: 'removed' }).findById(id);
  if (!md) throw new NotFoundError('Mail domain not found');
  if (md.state === 'removing') throw new ConflictError('The mail domain is being removed');
  return md;
}

/** Refuses an address a mailbox or a forwarder of the domain already has. */
async function assertFree(ctx: SpecContext, mailDomainId: string, localPart: string, except?: string): Promise<void> {
  for (const table of ['mailboxes', 'mail_aliases']) {
    const q = ctx.h.db(table).where(`${table}.mail_domain_id`, mailDomainId).whereIn(`${table}.state`, [...LIVE, 'removing']).whereRaw(`lower(${table}.local_part) = ?`, [localPart]);
    if (except) q.whereNot(`${table}.id`, except);
    if (await q.first()) throw new ConflictError('A mailbox or forwarder with this address exists', { localPart: 'is taken' });
  }
}

/** The plan's total mailbox quota (`mailboxQuotaMb`, across the account's mailboxes). */
async function assertQuota(ctx: SpecContext, quotaMb: number, except?: string): Promise<void> {
  const max = ctx.plan.limits.mailboxQuotaMb ?? null;
  if (max === null) return;
  const q = Mailbox.scoped(ctx.h.db).where({ account_id: ctx.account.id }).whereIn('state', LIVE);
  if (except) q.whereNot('id', except);
  const used = Number(((await q.sum('quota_mb as total').first()) as unknown as { total: string | null } | undefined)?.total ?? 0);
  if (used + quotaMb > max) {
    throw new ConflictError(`The plan "${ctx.plan.name}" allows ${max} MB of mailbox quota in all; ${used} MB are given to other mailboxes`, { mailboxQuotaMb: `limit ${max} MB, ${Math.max(0, max - used)} MB left` });
  }
}

const password = { type: 'string', minLength: 10, maxLength: 128 } as const;
const quotaMb = { type: 'integer', minimum: 1, maximum: 1_000_000 } as const;
const sendLimitPerHour = { type: ['integer', 'null'], minimum: 0, maximum: 100_000 } as const;
const autoresponder = {
  anyOf: [{ type: 'null' }, objectBody({
    subject: { type: 'string', minLength: 1, maxLength: 200 },
    body: { type: 'string', minLength: 1, maxLength: 10_000 },
    from: { type: ['string', 'null'], format: 'date-time' },
    until: { type: ['string', 'null'], format: 'date-time' },
  }, ['subject', 'body'])],
} as const;

function checkedAutoresponder(value: unknown): Autoresponder | null {
  if (value === null || value === undefined) return null;
  const a = value as { subject: string; body: string; from?: string | null; until?: string | null };
  if (/[\r\n]/.test(a.subject)) throw new ValidationError({ 'autoresponder.subject': 'must be one line' });
  const from = a.from ? new Date(a.from).toISOString() : null;
  const until = a.until ? new Date(a.until).toISOString() : null;
  if (from && until && from >= until) throw new ValidationError({ 'autoresponder.until': 'must be after from' });
  return { subject: a.subject.trim(), body: a.body, from, until };
}

async function domainName(ctx: SpecContext, mailDomainId: string): Promise<string> {
  const md = await MailDomain.scoped(ctx.h.db).findById(mailDomainId);
  return md!.domain;
}

export const mailboxSpec: ResourceSpec<Mailbox> = {
  segment: 'mailboxes',
  param: 'mailboxId',
  model: Mailbox,
  subjectType: 'mailbox',
  limit: 'mailboxes',
  noun: 'mailbox',
  duplicate: 'A mailbox with this address exists',
  createBody: objectBody({ mailDomainId: uuid, localPart: { type: 'string', minLength: 1, maxLength: 64 }, password, quotaMb, sendLimitPerHour, autoresponder }, ['mailDomainId', 'localPart', 'password']),
  patchBody: objectBody({ quotaMb, sendLimitPerHour, autoresponder }, [], 1),
  async build(ctx, body) {
    const md = await liveDomain(ctx, body.mailDomainId as string);
    const localPart = normaliseLocalPart(body.localPart as string);
    const problem = localPartProblem(localPart);
    if (problem) throw new ValidationError({ localPart: problem });
    const quota = (body.quotaMb as number | undefined) ?? 1024;
    await assertFree(ctx, md.id, localPart);
    await assertQuota(ctx, quota);
    return {
      row: {
        mailDomainId: md.id, localPart, quotaMb: quota, passwordHash: await hashMailPassword(body.password as string),
        sendLimitPerHour: (body.sendLimitPerHour as number | null | undefined) ?? null, autoresponder: checkedAutoresponder(body.autoresponder),
      },
    };
  },
  async patch(ctx, mb, body) {
    const row: Record<string, unknown> = {};
    if (body.quotaMb !== undefined) {
      await assertQuota(ctx, body.quotaMb as number, mb.id);
      row.quotaMb = body.quotaMb;
    }
    if (body.sendLimitPerHour !== undefined) row.sendLimitPerHour = body.sendLimitPerHour;
    if (body.autoresponder !== undefined) row.autoresponder = checkedAutoresponder(body.autoresponder);
    return { row };
  },
  desired: async (ctx, mb) => ({
    kind: 'mailbox', domain: await domainName(ctx, mb.mailDomainId), localPart: mb.localPart, passwordHash: mb.passwordHash, quotaMb: mb.quotaMb,
    sendLimitPerHour: mb.sendLimitPerHour, autoresponder: mb.autoresponder, suspendPolicy: suspendPolicy(ctx),
  }),
  extraRoutes: (helpers) => [
    route(helpers.plugin, {
      method: 'POST', path: '/api/v1/hosting-accounts/:id/mailboxes/:mailboxId/change-password', permission: 'mailboxes.write',
      schema: { params: { ...idParams, required: ['id', 'mailboxId'], properties: { id: uuid, mailboxId: uuid } }, body: objectBody({ password }, ['password']) },
    }, async (h, ctx) => {
      const sc = await helpers.load(h, ctx.input.params);
      if (sc.row.state === 'removing') throw new ConflictError('The mailbox is being removed');
      const row = await Mailbox.scoped(h.db).patchAndFetchById(sc.row.id, { passwordHash: await hashMailPassword(ctx.input.body.password as string) });
      return { id: row.id, passwordChanged: true, operation: await helpers.ensure(sc, row) };
    }),
  ],
};

const targets = { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 3, maxLength: 254 } } as const;

async function checkedTargets(ctx: SpecContext, self: string, raw: string[]): Promise<string[]> {
  const problems: Record<string, string> = {};
  const out: string[] = [];
  raw.forEach((t, i) => {
    const r = checkedAddress(t);
    if ('problem' in r) problems[`targets[${i}]`] = r.problem;
    else if (r.address === self) problems[`targets[${i}]`] = 'is the forwarder itself';
    else if (!out.includes(r.address)) out.push(r.address);
  });
  if (Object.keys(problems).length) throw new ValidationError(problems);
  return out;
}

export const mailAliasSpec: ResourceSpec<MailAlias> = {
  segment: 'mail-aliases',
  param: 'mailAliasId',
  model: MailAlias,
  subjectType: 'mailAlias',
  limit: null,
  noun: 'forwarder',
  duplicate: 'A forwarder with this address exists',
  createBody: objectBody({ mailDomainId: uuid, localPart: { type: 'string', minLength: 1, maxLength: 64 }, targets }, ['mailDomainId', 'localPart', 'targets']),
  patchBody: objectBody({ targets }, ['targets']),
  async build(ctx, body) {
    const md = await liveDomain(ctx, body.mailDomainId as string);
    const localPart = normaliseLocalPart(body.localPart as string);
    const problem = localPartProblem(localPart);
    if (problem) throw new ValidationError({ localPart: problem });
    const list = await checkedTargets(ctx, `${localPart}@${md.domain}`, body.targets as string[]);
    await assertFree(ctx, md.id, localPart);
    return { row: { mailDomainId: md.id, localPart, targets: list } };
  },
  async patch(ctx, alias, body) {
    const self = `${alias.localPart}@${await domainName(ctx, alias.mailDomainId)}`;
    return { row: { targets: await checkedTargets(ctx, self, body.targets as string[]) } };
  },
  desired: async (ctx, alias) => ({ kind: 'mailAlias', domain: await domainName(ctx, alias.mailDomainId), localPart: alias.localPart, targets: alias.targets }),
};

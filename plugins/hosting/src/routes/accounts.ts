import { ConflictError, ValidationError, extensionPoints, scopeToClient, type PluginContext, type RouteDefinition, type TenantDb } from '@mpanel/sdk';
import { createHostingAccount } from '../accounts/create.ts';
import { ensureHostingZone } from '../dns/zones.ts';
import { loadAccount, loadLiveAccount } from '../accounts/load.ts';
import { CronJob, HostingAccount, HostingDatabase, HostingPlan, MailDomain, Mailbox, ProvisioningOperation, Server, Website, type AccountResource } from '../models/index.ts';
import { requestOperation } from '../operations/request.ts';
import { limitOf, type LimitKey } from '../plans/limits.ts';
import { checkedDomain } from '../resources/domains.ts';
import { toAccount, toOperation, toPlan } from '../views.ts';
import { idParams, listQuery, listRoute, objectBody, paginate, route, text, uuid } from './common.ts';

const desiredState = { enum: ['active', 'suspended', 'terminated'] };

async function serviceStatus(db: TenantDb, serviceId: string): Promise<string | null> {
  return ((await db('services').where({ id: serviceId }).first('status')) as { status: string } | undefined)?.status ?? null;
}

/** A smaller plan must still hold what the account has: refuse the change, naming what is over. */
async function assertFits(db: TenantDb, account: HostingAccount, plan: HostingPlan): Promise<void> {
  const kinds: Array<[LimitKey, typeof AccountResource]> = [['sites', Website], ['databases', HostingDatabase], ['cronJobs', CronJob]];
  const over: Record<string, string> = {};
  for (const [key, model] of kinds) {
    const max = limitOf(plan.limits, key);
    if (max === null) continue;
    const used = await model.scoped(db).where({ account_id: account.id }).whereNotIn('state', ['removing', 'removed']).resultSize();
    if (used > max) over[key] = `${used} in use, the plan allows ${max}`;
  }
  if (Object.keys(over).length) throw new ConflictError(`The account does not fit plan "${plan.name}"`, over);
}

/** The control panel the account lives in, when its module offers single sign-on (the portal's "Log in" button). */
async function panelOf(plugin: PluginContext, db: TenantDb, account: HostingAccount): Promise<{ name: string; sso: boolean } | null> {
  if (!account.serverId || account.desiredState === 'terminated') return null;
  const server = await Server.scoped(db).findById(account.serverId);
  const module = server ? plugin.extensions.get(extensionPoints.provisioning, server.module) : undefined;
  return module ? { name: module.displayName, sso: !!module.sso && module.capabilities.sso } : null;
}

export function accountRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/hosting-accounts', permission: 'hosting-accounts.read',
      schema: { query: listQuery({ clientId: uuid, serverId: uuid, planId: uuid, serviceId: uuid, desiredState, drift: { type: 'boolean' }, search: text(100) }) },
    }, (h, q) => {
      const query = scopeToClient(HostingAccount.scoped(h.db), h.principal, 'hosting_accounts.client_id');
      for (const [key, column] of [['clientId', 'client_id'], ['serverId', 'server_id'], ['planId', 'plan_id'], ['serviceId', 'service_id'], ['desiredState', 'desired_state']] as const) {
        if (q[key] !== undefined) query.where(`hosting_accounts.${column}`, q[key] as string);
      }
      if (q.drift === true) query.whereRaw(`jsonb_array_length(hosting_accounts.drift) > 0`);
      if (q.search) query.where((w) => w.whereILike('username', `%${String(q.search)}%`).orWhereILike('domain', `%${String(q.search)}%`));
      return paginate(query, q, ['created_at', 'id'], (a) => toAccount(a));
    }),
    route(plugin, {
      method: 'POST', path: '/api/v1/hosting-accounts', permission: 'hosting-accounts.write', successStatus: 201,
      schema: { body: objectBody({ serviceId: uuid, planId: uuid, serverId: uuid, domain: { type: ['string', 'null'], maxLength: 253 }, username: text(16, 2) }, ['serviceId']) },
    }, async (h, ctx) => {
      const created = await createHostingAccount(h.db, ctx.input.body as never, { triggeredBy: h.actor, idempotencyKey: `account:${String(ctx.input.body.serviceId)}:create:${h.requestId}` });
      const { account } = created;
      await ensureHostingZone(plugin, h.db, { accountId: account.id, domain: account.domain, serverId: account.serverId, clientId: account.clientId });
      return { ...toAccount(created.account), operation: toOperation(created.operation), placement: created.placement };
    }),
    route(plugin, { method: 'GET', path: '/api/v1/hosting-accounts/:id', permission: 'hosting-accounts.read', schema: { params: idParams } },
      async (h, ctx) => {
        const account = await loadAccount(h.db, h.principal, ctx.input.params.id!);
        const plan = await HostingPlan.scoped(h.db).findById(account.planId);
        const count = (model: typeof AccountResource) => model.scoped(h.db).where({ account_id: account.id }).whereNotIn('state', ['removing', 'removed']).resultSize();
        // One after the other: a transaction is one connection.
        const counts = { sites: await count(Website), databases: await count(HostingDatabase), cronJobs: await count(CronJob), mailDomains: await count(MailDomain), mailboxes: await count(Mailbox) };
        return { ...toAccount(account, { serviceStatus: await serviceStatus(h.db, account.serviceId) }), plan: plan ? toPlan(plan) : null, counts, panel: await panelOf(plugin, h.db, account) };
      }),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/hosting-accounts/:id', permission: 'hosting-accounts.write',
      schema: { params: idParams, body: objectBody({ planId: uuid, domain: { type: ['string', 'null'], maxLength: 253 } }, [], 1) },
    }, async (h, ctx) => {
      const { account } = await loadLiveAccount(h.db, h.principal, ctx.input.params.id!);
      const body = ctx.input.body as { planId?: string; domain?: string | null };
      let operation: ProvisioningOperation | null = null;
      if (body.planId && body.planId !== account.planId) {
        const plan = await HostingPlan.scoped(h.db).findById(body.planId);
        if (!plan) throw new ValidationError({ planId: 'is not a hosting plan of this tenant' });
        await assertFits(h.db, account, plan);
        operation = await requestOperation(h.db, {
          subjectType: 'account', subjectId: account.id, accountId: account.id, action: 'changePackage',
          desired: { username: account.username, planId: plan.id, limits: plan.limits, suspensionPolicy: plan.suspensionPolicy },
          triggeredBy: h.actor, idempotencyKey: `account:${account.id}:changePackage:${h.requestId}`,
        });
      }
      if (body.domain !== undefined) body.domain = checkedDomain(body.domain);
      const updated = await HostingAccount.scoped(h.db).patchAndFetchById(account.id, body);
      return { ...toAccount(updated), ...(operation ? { operation: toOperation(operation) } : {}) };
    }),
    listRoute(plugin, { method: 'GET', path: '/api/v1/hosting-accounts/:id/operations', permission: 'provisioning.read', schema: { params: idParams, query: listQuery() } },
      async (h, q, ctx) => {
        const account = await loadAccount(h.db, h.principal, ctx.input.params.id!);
        return paginate(ProvisioningOperation.scoped(h.db).where({ account_id: account.id }), q, ['created_at', 'id'], toOperation);
      }),
  ];
}

import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, type PluginContext, type RouteDefinition } from '@mpanel/sdk';
import { HostingAccount, type AccountResource } from '../models/index.ts';
import { loadAccount, loadLiveAccount } from '../accounts/load.ts';
import { requestOperation } from '../operations/request.ts';
import { limitOf } from '../plans/limits.ts';
import type { ResourceHelpers, ResourceSpec, SpecContext } from '../resources/spec.ts';
import { withPending } from '../resources/pending.ts';
import { toResource } from '../views.ts';
import { idParams, listQuery, listRoute, orConflict, paginate, route, uuid, type Hosting } from './common.ts';

const LIVE = ['creating', 'active', 'suspended', 'failed'];

/**
 * Queues the provisioning operation that brings one resource's desired state to its server.
 * `state`: the resource's own state when the caller knows better than the account's (default).
 */
export async function resourceOperation<M extends AccountResource>(spec: ResourceSpec<M>, ctx: SpecContext, row: M, action: 'resource.ensure' | 'resource.remove', secret: Record<string, unknown> = {}, state: 'active' | 'suspended' = ctx.account.desiredState === 'suspended' ? 'suspended' : 'active') {
  const op = await requestOperation(ctx.h.db, {
    subjectType: spec.subjectType, subjectId: row.id, accountId: ctx.account.id, action,
    desired: { username: ctx.account.username, resource: { ...(await spec.desired(ctx, row)), ...secret, id: row.id, state } },
    triggeredBy: ctx.h.actor,
    idempotencyKey: `${spec.subjectType}:${row.id}:${action}:${ctx.h.requestId}`,
  });
  return { id: op.id, status: op.status };
}

/**
 * CRUD of one kind of account resource, for staff and for the owning client alike (the ownership
 * rule is in `loadAccount`). Every change that must reach the server queues a provisioning
 * operation in the same transaction; removing marks the row `removing` and queues its removal.
 */
export function accountResourceRoutes<M extends AccountResource>(plugin: PluginContext, spec: ResourceSpec<M>): RouteDefinition[] {
  const base = `/api/v1/hosting-accounts/:id/${spec.segment}`;
  const one = `${base}/:${spec.param}`;
  const oneParams = { type: 'object', required: ['id', spec.param], properties: { id: uuid, [spec.param]: uuid } } as const;
  const read = `${spec.permission ?? spec.segment}.read`;
  const write = `${spec.permission ?? spec.segment}.write`;

  const operation = (ctx: SpecContext, row: M, action: 'resource.ensure' | 'resource.remove', secret: Record<string, unknown> = {}) => resourceOperation(spec, ctx, row, action, secret);

  const helpers: ResourceHelpers<M> = {
    plugin,
    async load(h, params) {
      const { account, plan } = await loadLiveAccount(h.db, h.principal, params.id!);
      const row = (await spec.model.scoped(h.db).where({ account_id: account.id }).whereNot({ state: 'removed' }).findById(params[spec.param]!)) as M | undefined;
      if (!row) throw new NotFoundError();
      return { h, account, plan, row };
    },
    ensure: (ctx, row, secret) => operation(ctx, row, 'resource.ensure', secret),
  };

  /** Serialises creates in one account (row lock) so two requests cannot both take the plan's last slot. */
  async function lockAccount(ctx: SpecContext): Promise<void> {
    await HostingAccount.query(ctx.h.db.trx).findById(ctx.account.id).forUpdate();
  }
  /** After `lockAccount` and the input's checks (a bad request is a 400 even when the plan is full). */
  async function assertRoom(ctx: SpecContext): Promise<void> {
    const max = spec.limit ? limitOf(ctx.plan.limits, spec.limit) : null;
    if (max === null) return;
    const used = await spec.model.scoped(ctx.h.db).where({ account_id: ctx.account.id }).whereIn('state', LIVE).resultSize();
    if (used >= max) throw new ConflictError(`The plan "${ctx.plan.name}" allows ${max} ${spec.noun}${max === 1 ? '' : 's'}; remove one or upgrade the plan`, { [spec.limit!]: `limit ${max} reached` });
  }

  const routes: RouteDefinition[] = [
    listRoute(plugin, { method: 'GET', path: base, permission: read, schema: { params: idParams, query: listQuery() } },
      async (h: Hosting, q, ctx) => {
        const account = await loadAccount(h.db, h.principal, ctx.input.params.id!);
        const page = await paginate(spec.model.scoped(h.db).where({ account_id: account.id }).whereNot({ state: 'removed' }), q, ['created_at', 'id'], toResource);
        return { ...page, data: await withPending(h.db, h.principal, page.data as Array<{ id: unknown }>) };
      }),
    route(plugin, { method: 'GET', path: one, permission: read, schema: { params: oneParams } },
      async (h, ctx) => {
        const account = await loadAccount(h.db, h.principal, ctx.input.params.id!);
        const row = await spec.model.scoped(h.db).where({ account_id: account.id }).findById(ctx.input.params[spec.param]!);
        if (!row) throw new NotFoundError();
        return (await withPending(h.db, h.principal, [toResource(row) as { id: unknown }]))[0];
      }),
    route(plugin, { method: 'POST', path: base, permission: write, successStatus: 201, schema: { params: idParams, body: spec.createBody } },
      async (h, ctx) => {
        const live = await loadLiveAccount(h.db, h.principal, ctx.input.params.id!);
        const sc = { h, ...live };
        await lockAccount(sc);
        const id = randomUUID();
        const built = await spec.build(sc, ctx.input.body, id);
        await assertRoom(sc);
        const row = await orConflict(h.db, spec.duplicate, (db) => spec.model.insertFor(db, { ...built.row, id, accountId: live.account.id, state: 'creating' }) as Promise<M>);
        const op = await operation(sc, row, 'resource.ensure', built.secret);
        await spec.afterCreate?.(sc, row);
        return { ...toResource(row), ...built.reveal, operation: op };
      }),
    route(plugin, { method: 'DELETE', path: one, permission: write, schema: { params: oneParams } },
      async (h, ctx) => {
        const sc = await helpers.load(h, ctx.input.params);
        if (sc.row.state === 'removing') throw new ConflictError(`The ${spec.noun} is already being removed`);
        const row = (await spec.model.scoped(h.db).patchAndFetchById(sc.row.id, { state: 'removing' })) as M;
        const op = await operation(sc, row, 'resource.remove');
        await spec.afterRemove?.(sc, row);
        return { ...toResource(row), operation: op };
      }),
  ];
  if (spec.patchBody && spec.patch) {
    const patch = spec.patch.bind(spec);
    routes.push(route(plugin, { method: 'PATCH', path: one, permission: write, schema: { params: oneParams, body: spec.patchBody } },
      async (h, ctx) => {
        const sc = await helpers.load(h, ctx.input.params);
        if (sc.row.state === 'removing') throw new ConflictError(`The ${spec.noun} is being removed`);
        const built = await patch(sc, sc.row, ctx.input.body);
        const row = (await spec.model.scoped(h.db).patchAndFetchById(sc.row.id, built.row)) as M;
        return { ...toResource(row), ...built.reveal, operation: await operation(sc, row, 'resource.ensure', built.secret) };
      }));
  }
  return [...routes, ...(spec.extraRoutes?.(helpers) ?? [])];
}


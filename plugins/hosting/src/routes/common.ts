import type { Model, QueryBuilder } from 'objection';
import {
  UnauthorizedError, createTenantDb, list, ok, paginationQuery,
  type PluginContext, type Principal, type RouteContext, type RouteDefinition, type TenantDb,
} from '@mpanel/sdk';

/** What a hosting handler works with: the request's tenant-bound transaction and caller. */
export interface Hosting {
  db: TenantDb;
  principal: Principal;
  plugin: PluginContext;
  /** `user:<id>` / `apiKey:<id>`: the operation's `triggered_by` and the request's idempotency. */
  actor: string;
  requestId: string;
}

export const uuid = { type: 'string', format: 'uuid' } as const;
export const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
/** 0 … a million, or null for "no limit". */
export const limit = { type: ['integer', 'null'], minimum: 0, maximum: 1_000_000 } as const;
export const text = (maxLength: number, minLength = 1) => ({ type: 'string', minLength, maxLength }) as const;

export function objectBody(properties: Record<string, unknown>, required: string[] = [], minProperties = 0) {
  return { type: 'object', additionalProperties: false, required, properties, ...(minProperties ? { minProperties } : {}) };
}

export function listQuery(filters: Record<string, unknown> = {}) {
  return { type: 'object', additionalProperties: false, properties: { ...paginationQuery, ...filters } };
}

function hostingOf(plugin: PluginContext, ctx: RouteContext): Hosting {
  if (!ctx.tenant || !ctx.principal) throw new UnauthorizedError();
  return {
    db: createTenantDb(ctx.db, ctx.tenant.id),
    principal: ctx.principal,
    plugin,
    actor: `${ctx.principal.kind}:${ctx.principal.id}`,
    requestId: ctx.requestId,
  };
}

// Route handlers see params, query and body already validated by the route's schema.
export type HostingContext = RouteContext<Record<string, string>, Record<string, unknown>, Record<string, unknown>>;
type Handler = (h: Hosting, ctx: HostingContext) => Promise<unknown>;

/**
 * A hosting route that first asks servers something (`before`, outside any transaction: a slow
 * panel holds no database connection), then runs `handler` in a transaction of its own.
 */
export function serverCheckedRoute(plugin: PluginContext, def: Omit<RouteDefinition, 'handler' | 'transaction'>, before: (tenantId: string, ctx: HostingContext) => Promise<void>, handler: Handler): RouteDefinition {
  return {
    tags: ['hosting'], ...def, transaction: false,
    handler: async (ctx) => {
      if (!ctx.tenant || !ctx.principal) throw new UnauthorizedError();
      const tenantId = ctx.tenant.id;
      await before(tenantId, ctx as HostingContext);
      const principal = ctx.principal;
      return ok(await plugin.db.transaction(tenantId, (trx) => handler(
        { db: createTenantDb(trx, tenantId), principal, plugin, actor: `${principal.kind}:${principal.id}`, requestId: ctx.requestId }, ctx as HostingContext)));
    },
  };
}

/** A hosting route: the handler's result is wrapped in `{ data }`. */
export function route(plugin: PluginContext, def: Omit<RouteDefinition, 'handler'>, handler: Handler): RouteDefinition {
  return { tags: ['hosting'], ...def, handler: async (ctx) => ok(await handler(hostingOf(plugin, ctx), ctx as HostingContext)) };
}

export interface Page { page: number; perPage: number }

/** A paginated list route answering `{ data, meta }`. */
export function listRoute(
  plugin: PluginContext,
  def: Omit<RouteDefinition, 'handler'>,
  fetch: (h: Hosting, q: Record<string, unknown> & Page, ctx: HostingContext) => Promise<{ data: unknown[]; total: number }>,
): RouteDefinition {
  return {
    tags: ['hosting'],
    ...def,
    handler: async (ctx) => {
      const q = ctx.input.query as Record<string, unknown> & Page;
      const { data, total } = await fetch(hostingOf(plugin, ctx), q, ctx as HostingContext);
      return list(data, { total, page: q.page, perPage: q.perPage });
    },
  };
}

/** Runs an Objection list query (not yet ordered) with the contract's pagination. */
export async function paginate<M extends Model, T>(query: QueryBuilder<M, M[]>, page: Page, order: string[], map: (row: M) => T): Promise<{ data: T[]; total: number }> {
  const total = await query.resultSize();
  const rows = await query.orderBy(order).limit(page.perPage).offset((page.page - 1) * page.perPage);
  return { data: rows.map(map), total };
}

export { orConflict } from '../db.ts';

import type { RequestInput } from '@mpanel/sdk';
import { type Resolver } from './api-context.ts';
import type { Middleware, ParameterizedContext } from 'koa';
import compose from 'koa-compose';
import Router from '@koa/router';
import { asValue, Lifetime } from 'awilix';
import type { Knex } from 'knex';
import type { RootContainer } from '../container.ts';
import type { RegisteredRoute } from './route-registry.ts';
import { compileValidator } from './validation.ts';
import { assertSaneInput } from './sane-input.ts';
import { beginWithTenant } from '../tenancy/context.ts';
import { RequestTransaction } from '../db/request-transaction.ts';

/**
 * A stage turns a route into the middleware that does one job for it, or nothing when the job
 * does not apply. The order of stages is the request path of ARCHITECTURE.md.
 */
export type RouteStage = (route: RegisteredRoute) => Middleware | undefined;

/** One Awilix scope per request, disposed in a `finally` whatever happens. */
export function requestScope(container: RootContainer): RouteStage {
  return () => async (ctx, next) => {
    const scope = container.createScope();
    // `log` is resolved when asked for: the request's child logger is made on first use.
    scope.register({ requestId: asValue(ctx.state.requestId), log: { resolve: () => ctx.state.log, isLeakSafe: true } } as never);
    ctx.scope = scope;
    try {
      await next();
    } finally {
      // A guard may have begun the transaction (see requestTransaction) and a later stage failed
      // before the transaction stage ran: nothing of it may stay open.
      await (ctx.state.requestTransaction as RequestTransaction | undefined)?.rollback();
      await scope.dispose();
    }
  };
}

/** Validates and coerces params, query and body against the route's schemas into `ctx.input`. */
export const validateInput: RouteStage = (route) => {
  const params = route.schema?.params ? compileValidator(route.schema.params, 'params') : undefined;
  const query = route.schema?.query ? compileValidator(route.schema.query, 'query') : undefined;
  const body = route.schema?.body ? compileValidator(route.schema.body, 'body') : undefined;
  return async (ctx, next) => {
    // Before the schemas: a NUL in a query string is refused even where no schema looks at it.
    assertSaneInput(ctx.params, 'params');
    assertSaneInput(ctx.query, 'query');
    ctx.input = {
      params: params ? params({ ...ctx.params }) : ctx.params,
      query: query ? query({ ...ctx.query }) : { ...ctx.query },
      body: body ? body(ctx.request.body) : ctx.request.body,
    };
    // Coercion makes numbers of query text ("?page=1e20").
    assertSaneInput(ctx.input.query, 'query');
    await next();
  };
};

export type AfterCommit = () => void | Promise<void>;

/**
 * Runs the rest of the request in one transaction with the tenant context set, so a rejected
 * request changes nothing. Callbacks queued in `ctx.state.afterCommit` run once it has committed.
 * `trx` in the request scope is the knex transaction object; the transaction itself begins on its
 * first query (BEGIN and the tenant context in one round trip), so a request that never queries
 * pays nothing and commits nothing.
 */
export function transaction(knex: Knex): RouteStage {
  return (route) => {
    if (route.transaction === false) return undefined;
    return async (ctx, next) => {
      const afterCommit: AfterCommit[] = [];
      ctx.state.afterCommit = afterCommit;
      const tenantId = (ctx.state.tenant as { id: string } | undefined)?.id;
      const tx = requestTransaction(ctx, knex, tenantId, () => beginWithTenant(tenantId));
      if (tx.tenantId !== tenantId) throw new Error('the request transaction was begun for another tenant');
      try {
        await next();
      } catch (err) {
        await tx.rollback();
        throw err;
      }
      await tx.end();
      for (const cb of afterCommit) {
        try {
          await cb();
        } catch (err) {
          (ctx.state.log as { error: (o: object, m: string) => void }).error({ err }, 'after-commit callback failed');
        }
      }
    };
  };
}

/**
 * The request's transaction, made by the first stage that asks: the transaction stage, or a
 * guard that sends its own query with BEGIN (`begin` must set the context of `tenantId`, see
 * tenantContextStatement). Whoever made it, the transaction stage commits it, and the request
 * scope rolls it back if the request ended before that. `trx` in the request scope is its knex object.
 */
export function requestTransaction(ctx: ParameterizedContext, knex: Knex, tenantId: string | undefined, begin: () => string): RequestTransaction {
  const existing = ctx.state.requestTransaction as RequestTransaction | undefined;
  if (existing) return existing;
  const tx = new RequestTransaction(knex, begin(), tenantId);
  ctx.state.requestTransaction = tx;
  // Registered at once: code in the later guards (plugin gate) then queries in it rather than
  // asking the pool for a second connection (PGlite has only one).
  // Scoped, not a value: strict mode then refuses a singleton that would keep one request's trx.
  (ctx.scope as RootContainer).register('trx' as never, { resolve: () => tx.transaction, lifetime: Lifetime.SCOPED } as never);
  return tx;
}

/** Calls the handler; a returned value becomes the body with the route's success status. */
export const invokeHandler: RouteStage = (route) => async (ctx) => {
  const result = await route.handler(ctx as never);
  if (result !== undefined && ctx.body === undefined) {
    ctx.status = route.successStatus ?? 200;
    ctx.body = result;
  }
};

/** Mounts every route with the stages applied in order. */
export function buildRouter(routes: RegisteredRoute[], stages: RouteStage[]): Router {
  const router = new Router();
  for (const route of routes) {
    const chain = stages.map((stage) => stage(route)).filter((m): m is Middleware => m !== undefined);
    router.register(route.path, [route.method], compose(chain) as Middleware);
  }
  return router;
}

declare module 'koa' {
  interface BaseContext {
    scope: Resolver;
    input: RequestInput<unknown, unknown, unknown>;
  }
}

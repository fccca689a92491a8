import type { RequestInput, Resolver } from '@mpanel/sdk';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import Router from '@koa/router';
import { asValue, Lifetime } from 'awilix';
import type { Knex } from 'knex';
import type { RootContainer } from '../container.ts';
import type { RegisteredRoute } from './route-registry.ts';
import { compileValidator } from './validation.ts';
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
    scope.register({ requestId: asValue(ctx.state.requestId), log: asValue(ctx.state.log) });
    ctx.scope = scope;
    try {
      await next();
    } finally {
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
    ctx.input = {
      params: params ? params({ ...ctx.params }) : ctx.params,
      query: query ? query({ ...ctx.query }) : { ...ctx.query },
      body: body ? body(ctx.request.body) : ctx.request.body,
    };
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
      const tx = new RequestTransaction(knex, beginWithTenant((ctx.state.tenant as { id: string } | undefined)?.id));
      // Scoped, not a value: strict mode then refuses a singleton that would keep one request's trx.
      (ctx.scope as RootContainer).register('trx' as never, { resolve: () => tx.transaction, lifetime: Lifetime.SCOPED } as never);
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

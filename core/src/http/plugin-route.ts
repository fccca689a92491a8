import type { PluginLogger, Principal, RouteContext, RouteDefinition, RouteResponse, TenantRef } from '@mpanel/sdk';
import type { Knex } from 'knex';
import type { ApiContext, CoreRouteDefinition } from './api-context.ts';

/**
 * A plugin's route as core mounts it: the handler gets the SDK's typed `RouteContext` instead of
 * Koa's, and what it returns (plus `response`) becomes the answer.
 */
export function pluginRoute(route: RouteDefinition): CoreRouteDefinition {
  return {
    ...route,
    handler: async (ctx: ApiContext) => {
      const context = routeContextOf(ctx, route);
      const result = await route.handler(context);
      const { status, type, headers } = context.response;
      for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
      if (result === undefined) {
        ctx.status = status ?? 204;
        return undefined;
      }
      ctx.body = result;
      if (type) ctx.type = type;
      ctx.status = status ?? route.successStatus ?? 200;
      return undefined;
    },
  };
}

function routeContextOf(ctx: ApiContext, route: RouteDefinition): RouteContext {
  const { params, query, body } = ctx.input as RouteContext['input'];
  const response: RouteResponse = { headers: {} };
  return {
    params,
    query,
    body,
    input: ctx.input as RouteContext['input'],
    tenant: (ctx.state.tenant as TenantRef | undefined) ?? null,
    principal: (ctx.state.principal as Principal | undefined) ?? null,
    get db(): Knex.Transaction {
      if (route.transaction === false) throw new Error(`Route ${route.method} ${route.path} runs without a transaction (transaction: false): it has no ctx.db`);
      return ctx.scope.resolve<Knex.Transaction>('trx');
    },
    get log() {
      return ctx.state.log as PluginLogger;
    },
    requestId: ctx.state.requestId,
    rawBody: ctx.rawBody,
    header: (name) => ctx.get(name) || undefined,
    response,
  };
}

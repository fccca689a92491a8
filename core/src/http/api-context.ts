import type { RequestInput, RouteOptions } from '@mpanel/sdk';
import type { ParameterizedContext } from 'koa';

/**
 * Core's own routes work on Koa's context; plugins never see it (they get the SDK's
 * `RouteContext`, built from this one by `pluginRoute`).
 */

/** Resolves what the request scope (an Awilix scope) holds: `trx`, `tenant`, `currentUser`, services... */
export interface Resolver {
  resolve<T = unknown>(name: string): T;
}

export interface ApiState {
  requestId: string;
  [key: string]: unknown;
}

export interface ApiContextExtras<P, Q, B> {
  /** The request's dependency-injection scope, disposed when the response is done. */
  scope: Resolver;
  /** Params, query and body after schema validation (query and params coerced to their types). */
  input: RequestInput<P, Q, B>;
  /** The unparsed request body; present when the route asks for `rawBody: true`. */
  rawBody?: Buffer;
  params: Record<string, string>;
}

export type ApiContext<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> =
  ParameterizedContext<ApiState, ApiContextExtras<P, Q, B>>;

export type CoreRouteHandler<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> =
  (ctx: ApiContext<P, Q, B>) => unknown | Promise<unknown>;

/** A route of core: the SDK's route options with a handler on Koa's context. */
export interface CoreRouteDefinition<P = any, Q = any, B = any> extends RouteOptions { // eslint-disable-line @typescript-eslint/no-explicit-any
  handler: CoreRouteHandler<P, Q, B>;
}

/** Declare a core route with its types inferred. */
export function defineCoreRoute<P = Record<string, string>, Q = Record<string, unknown>, B = unknown>(
  route: CoreRouteDefinition<P, Q, B>,
): CoreRouteDefinition<P, Q, B> {
  return route;
}

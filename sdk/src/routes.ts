import type { ParameterizedContext } from 'koa';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON Schema object (draft 2020-12); validated with ajv. */
export type JsonSchema = Record<string, unknown>;

/** Who a route serves: staff (admin), portal users (client), anybody (public), a payment provider (webhook). */
export type RouteScope = 'admin' | 'client' | 'public' | 'webhook';

/** Resolves what the request scope (an Awilix scope) holds: `trx`, `tenant`, `currentUser`, services... */
export interface Resolver {
  resolve<T = unknown>(name: string): T;
}

export interface RequestInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
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

export type RouteHandler<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> =
  (ctx: ApiContext<P, Q, B>) => unknown | Promise<unknown>;

export interface RouteDefinition<P = any, Q = any, B = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  method: HttpMethod;
  /** Router path, e.g. `/api/v1/services/:id/suspend`. */
  path: string;
  /** The `resource.action` permission the caller must hold. Required unless `public: true`. */
  permission?: string;
  /** Explicitly reachable without authentication (health, login, webhooks). */
  public?: boolean;
  scope?: RouteScope;
  summary?: string;
  tags?: string[];
  schema?: {
    params?: JsonSchema;
    query?: JsonSchema;
    body?: JsonSchema;
    /** The `data` of a success answer, for the OpenAPI document. */
    response?: JsonSchema;
  };
  /** Keep the unparsed body in `ctx.rawBody` (webhook signatures). */
  rawBody?: boolean;
  /** Run inside a database transaction with the tenant context set. Default: true. */
  transaction?: boolean;
  /** `strict`: the stricter request budget of login, password and mail-sending routes. */
  rateLimit?: 'strict';
  /** The status of a success answer when the handler returns a value (default 200). */
  successStatus?: number;
  /**
   * Return the response body (e.g. `ok(data)`), or set `ctx.body` yourself. Throw an `HttpError`
   * to answer with an error; the transaction is rolled back.
   */
  handler: RouteHandler<P, Q, B>;
}

export interface ListMeta {
  total: number;
  page: number;
  perPage: number;
}

/** The contract's success shape. */
export function ok<T>(data: T, message?: string): { data: T; message?: string } {
  return message === undefined ? { data } : { data, message };
}

/** The contract's list shape. */
export function list<T>(data: T[], meta: ListMeta): { data: T[]; meta: ListMeta } {
  return { data, meta };
}

/** Query schema for `?page=&perPage=` (perPage ≤ 100), to spread into a route's query schema. */
export const paginationQuery = {
  page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
  perPage: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
} as const;

/** Declare a route with its types inferred; a plain object literal works too. */
export function defineRoute<P = Record<string, string>, Q = Record<string, unknown>, B = unknown>(
  route: RouteDefinition<P, Q, B>,
): RouteDefinition<P, Q, B> {
  return route;
}

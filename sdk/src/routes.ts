import type { Knex } from 'knex';
import type { JsonSchema } from './json-schema.ts';
import type { PluginLogger } from './logger.ts';
import type { Principal, TenantRef } from './principal.ts';

export type { JsonSchema };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who a route serves: staff (admin), portal users (client), anybody (public), a payment provider (webhook). */
export type RouteScope = 'admin' | 'client' | 'public' | 'webhook';

export interface RequestInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** What a handler may set on its answer besides the body it returns. */
export interface RouteResponse {
  /** Default: the route's `successStatus` (200), or 204 when the handler returns nothing. */
  status?: number;
  /** Content type of a non-JSON body (`application/pdf`, `text/csv`). */
  type?: string;
  headers: Record<string, string>;
}

/**
 * What a route handler gets: the request's tenant, caller and transaction, and its validated input.
 * The handler returns the body: an object is sent as JSON; a string, Buffer or readable stream is
 * sent as is (set `response.type`). No web framework types: the platform builds this per request.
 */
export interface RouteContext<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> extends RequestInput<P, Q, B> {
  /** The same params, query and body (after schema validation, query and params coerced). */
  readonly input: RequestInput<P, Q, B>;
  /** The tenant the request acts for; null only on public routes served without one. */
  readonly tenant: TenantRef | null;
  /** Who is calling; null on public and webhook routes. */
  readonly principal: Principal | null;
  /**
   * The request's transaction, tenant context applied (row-level security as the app role): what
   * the handler writes commits or rolls back with the request. Throws on `transaction: false` routes.
   */
  readonly db: Knex.Transaction;
  /** The request's logger (request id bound). */
  readonly log: PluginLogger;
  readonly requestId: string;
  /** The unparsed request body; present when the route asks for `rawBody: true`. */
  readonly rawBody?: Buffer;
  /** A request header (case-insensitive), undefined when absent. */
  header(name: string): string | undefined;
  /** Status, content type and headers of the answer. */
  readonly response: RouteResponse;
}

export type RouteHandler<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> =
  (ctx: RouteContext<P, Q, B>) => unknown | Promise<unknown>;

/** Everything a route declares besides its handler (core's own routes share it). */
export interface RouteOptions {
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
}

export interface RouteDefinition<P = any, Q = any, B = any> extends RouteOptions { // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Return the response body (e.g. `ok(data)`). Throw an `HttpError` to answer with an error; the
   * transaction is rolled back.
   */
  handler: RouteHandler<P, Q, B>;
}

/** A registered route as data (`ctx.routes.catalog()`): what a route declares, minus its handler. */
export interface RouteInfo {
  method: HttpMethod;
  path: string;
  /** `core` or the plugin id. */
  owner: string;
  permission?: string;
  public: boolean;
  scope?: RouteScope;
  summary?: string;
  schema?: RouteOptions['schema'];
}

/** A call of the platform's own API (`ctx.routes.call`). */
export interface SelfRequest {
  method: HttpMethod;
  /** An `/api/...` path with its params filled in (and percent-encoded). */
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /** The caller's `Authorization` header, forwarded as is. */
  authorization: string;
  /** The `x-tenant-id` a super admin acting on another tenant sent, forwarded as is. */
  actAsTenant?: string;
}

export interface SelfResponse {
  status: number;
  /** The parsed JSON answer (null when there was none or it was not JSON). */
  body: unknown;
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

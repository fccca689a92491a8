import type { PluginContext, RouteContext, RouteDefinition } from '@mpanel/sdk';
import { CURRENCY_CODES, MAX_AMOUNT, list, ok, paginationQuery } from '@mpanel/sdk';
import { billingOfRequest, type Billing } from '../context.ts';
import type { BillingSettings } from '../settings.ts';
import { BILLING_CYCLES } from '../domain/cycles.ts';

export type Plugin = PluginContext<Partial<BillingSettings>>;

export const uuid = { type: 'string', format: 'uuid' } as const;
export const isoDateSchema = { type: 'string', format: 'date' } as const;
/** An ISO 4217 code the SDK knows the exponent of (a made-up code would silently get 2 decimals). */
export const currency = { type: 'string', enum: CURRENCY_CODES } as const;
export const country = { type: 'string', pattern: '^[A-Z]{2}$' } as const;
export const cycle = { enum: [...BILLING_CYCLES] } as const;
/** An amount of money in minor units, below the SDK's business bound (a line times its quantity stays exact). */
export const minor = { type: 'integer', minimum: 0, maximum: MAX_AMOUNT } as const;
/** A count (stock, uses): a billion is beyond any real one and far from float trouble. */
export const count = { type: 'integer', minimum: 0, maximum: 1_000_000_000 } as const;
export const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

/** `?page=&perPage=` plus the given filters. */
export function listQuery(filters: Record<string, unknown> = {}) {
  return { type: 'object', additionalProperties: false, properties: { ...paginationQuery, ...filters } };
}

export function objectBody(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', additionalProperties: false, required, properties };
}

type Handler = (b: Billing, ctx: RouteContext<{ id: string }, Record<string, unknown>, never>) => Promise<unknown>;

/** A billing route: the handler gets the request's billing context; its result is wrapped in `{ data }`. */
export function route(plugin: Plugin, def: Omit<RouteDefinition, 'handler'> & { tags?: string[] }, handler: Handler): RouteDefinition {
  return {
    tags: ['billing'],
    ...def,
    handler: async (ctx) => ok(await handler(await billingOfRequest(plugin, ctx), ctx as never)),
  };
}

/** A DELETE handler for a `/:id` route: removes the record, answers `{ id, deleted: true }`. */
export function removeWith(remove: (b: Billing, id: string) => Promise<void>): Handler {
  return async (b, ctx) => {
    await remove(b, ctx.input.params.id);
    return { id: ctx.input.params.id, deleted: true };
  };
}

/** A paginated list route answering `{ data, meta }`. */
export function listRoute(plugin: Plugin, def: Omit<RouteDefinition, 'handler'>, fetch: (b: Billing, q: Record<string, unknown> & { page: number; perPage: number }) => Promise<{ data: unknown[]; total: number }>): RouteDefinition {
  return {
    tags: ['billing'],
    ...def,
    handler: async (ctx) => {
      const q = ctx.input.query as Record<string, unknown> & { page: number; perPage: number };
      const { data, total } = await fetch(await billingOfRequest(plugin, ctx), q);
      return list(data, { total, page: q.page, perPage: q.perPage });
    },
  };
}

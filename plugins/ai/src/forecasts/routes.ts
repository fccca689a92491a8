import {
  ForbiddenError, UnauthorizedError, createTenantDb, isClientScoped, ok, paginationQuery,
  type RouteContext, type RouteDefinition, type TenantDb,
} from '@mpanel/sdk';
import { capacityForecast } from './capacity.ts';
import { churnForecast } from './churn.ts';
import { revenueForecasts } from './revenue.ts';

const PERMISSION = 'forecasts.read';

/** The tenant-bound transaction of a staff request; a client's token never reads the tenant's figures. */
function staffDb(ctx: RouteContext): TenantDb {
  if (!ctx.tenant || !ctx.principal) throw new UnauthorizedError();
  if (isClientScoped(ctx.principal)) throw new ForbiddenError('Forecasts are for staff');
  return createTenantDb(ctx.db, ctx.tenant.id);
}

type Query = Record<string, unknown>;

export function forecastRoutes(now: () => Date = () => new Date()): RouteDefinition[] {
  return [
    {
      method: 'GET', path: '/api/v1/forecasts/revenue', permission: PERMISSION, tags: ['forecasts'],
      summary: 'Revenue and MRR per currency: monthly history and a forecast with a prediction interval (exponential smoothing)',
      schema: {
        query: {
          type: 'object', additionalProperties: false, properties: {
            horizon: { type: 'integer', minimum: 1, maximum: 24, default: 6 },
            confidence: { type: 'number', enum: [0.8, 0.9, 0.95, 0.99], default: 0.95 },
            currency: { type: 'string', pattern: '^[A-Z]{3}$' },
          },
        },
      },
      handler: async (ctx: RouteContext<Record<string, string>, Query>) => {
        const q = ctx.query;
        const series = await revenueForecasts(staffDb(ctx), now(), Number(q.horizon ?? 6), Number(q.confidence ?? 0.95));
        return ok({ series: q.currency ? series.filter((s) => s.currency === q.currency) : series });
      },
    },
    {
      method: 'GET', path: '/api/v1/forecasts/churn', permission: PERMISSION, tags: ['forecasts'],
      summary: 'Churn risk per client with the factors behind each score (logistic regression on the tenant\'s history)',
      schema: {
        query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery, level: { enum: ['high', 'medium', 'low'] } } },
      },
      handler: async (ctx: RouteContext<Record<string, string>, Query>) => {
        const page = Number(ctx.query.page ?? 1);
        const perPage = Number(ctx.query.perPage ?? 20);
        const { scores, basedOn } = await churnForecast(staffDb(ctx), now());
        const wanted = ctx.query.level ? scores.filter((s) => s.level === ctx.query.level) : scores;
        return { data: wanted.slice((page - 1) * perPage, page * perPage), meta: { total: wanted.length, page, perPage, basedOn } };
      },
    },
    {
      method: 'GET', path: '/api/v1/forecasts/capacity', permission: PERMISSION, tags: ['forecasts'],
      summary: 'Days until each server is full (accounts, allotted disk) by the linear trend of its daily samples',
      schema: { query: { type: 'object', additionalProperties: false, properties: {} } },
      handler: async (ctx: RouteContext) => ok(await capacityForecast(staffDb(ctx), now())),
    },
  ];
}

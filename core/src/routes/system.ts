import { type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { buildOpenApi } from '../http/openapi.ts';

export interface HealthSources {
  redisReady(): boolean;
}

/** `GET /api/health` and `GET /api/v1/openapi.json`. */
export function systemRoutes(container: RootContainer, sources: HealthSources): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/health',
      public: true,
      transaction: false,
      summary: 'Liveness, database, Redis and plugin states',
      handler: async (ctx) => {
        const { db, version, pluginStatus } = container.cradle;
        let database = true;
        try {
          await db.knex.raw('select 1');
        } catch {
          database = false;
        }
        const plugins = pluginStatus.list().map(({ id, version: v, status, error }) => (error ? { id, version: v, status, error } : { id, version: v, status }));
        ctx.status = database ? 200 : 503;
        ctx.body = { status: database ? 'ok' : 'degraded', version, database: db.kind, redis: sources.redisReady(), plugins };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/openapi.json',
      public: true,
      transaction: false,
      summary: 'The OpenAPI 3.1 document of every route',
      handler: () => buildOpenApi(container.cradle.routes.list(), container.cradle.version),
    },
  ];
}

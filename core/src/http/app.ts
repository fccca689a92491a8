import Koa from 'koa';
import type { RootContainer } from '../container.ts';
import { requestId } from './middleware/request-id.ts';
import { requestLog } from './middleware/request-log.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { cors } from './middleware/cors.ts';
import { bodyParser } from './middleware/body-parser.ts';
import { clientAddress } from './middleware/client-address.ts';
import { ipRateLimit, principalRateLimit } from './middleware/rate-limit.ts';
import { RateLimits } from './rate-limits.ts';
import { buildRouter, invokeHandler, requestScope, transaction, validateInput, type RouteStage } from './route-pipeline.ts';

export interface AppOptions {
  /** Stages that run between the request scope and validation (authentication, permissions, plugin gates). */
  guardStages?: RouteStage[];
  /** Middleware around everything after the request id and log, outside the error middleware (metrics). */
  outer?: Koa.Middleware[];
  /** Middleware mounted after the API routes (static admin UI). */
  fallback?: Koa.Middleware[];
}

/**
 * The Koa app: a handful of small middlewares, then the routes of the registry, each wrapped in
 * its own stages (scope → guards → validation → transaction → handler).
 */
export function createApp(container: RootContainer, options: AppOptions = {}): Koa {
  const { config, logger, routes, appKnex, redis, installationId } = container.cradle;
  const rateLimits = new RateLimits(config.rateLimit, redis?.fast, installationId);
  // Behind trusted proxies, Koa believes X-Forwarded-Proto and -Host; the address is clientAddress's.
  const app = new Koa({ proxy: config.trustProxy !== 0 });
  app.silent = true; // errors are logged by the error middleware, once, with the request id

  const stages: RouteStage[] = [
    requestScope(container),
    ...(options.guardStages ?? []),
    principalRateLimit(rateLimits),
    () => bodyParser(),
    validateInput,
    transaction(appKnex),
    invokeHandler,
  ];
  const router = buildRouter(routes.list(), stages);

  app.use(clientAddress(config.trustProxy));
  app.use(requestId());
  app.use(requestLog(logger));
  for (const mw of options.outer ?? []) app.use(mw);
  app.use(errorHandler(logger, config.exposeErrorDetails));
  app.use(securityHeaders());
  app.use(cors(config.corsOrigins));
  app.use(ipRateLimit(rateLimits));
  // ACME http-01 for the panel's own host names: the CA asks `/.well-known/acme-challenge/<token>`
  // on the domain; a plugin (ssl) answers it as `/api/v1/acme-challenges/<token>` for the Host's tenant.
  app.use(async (ctx, next) => {
    const m = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]{1,200})$/.exec(ctx.path);
    if (m && (ctx.method === 'GET' || ctx.method === 'HEAD')) ctx.path = `/api/v1/acme-challenges/${m[1]}`;
    await next();
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  for (const mw of options.fallback ?? []) app.use(mw);
  return app;
}

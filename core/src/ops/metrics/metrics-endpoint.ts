import { createServer, type Server } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../logger.ts';
import type { OpsConfig } from '../../config/config.ts';
import type { PlatformMetrics } from './platform-metrics.ts';

export const METRICS_PATH = '/metrics';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `authorization` carries the token (compared in constant time). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

async function answer(metrics: PlatformMetrics, logger: Logger): Promise<{ status: number; type: string; body: string }> {
  try {
    const { contentType, body } = await metrics.scrape();
    return { status: 200, type: contentType, body };
  } catch (err) {
    logger.error({ err }, 'metrics scrape failed');
    return { status: 500, type: 'text/plain', body: 'scrape failed\n' };
  }
}

/**
 * `GET /metrics` on the main port, only with METRICS_TOKEN set and presented as a bearer token.
 * Without a token, or when METRICS_ADDR moves metrics to their own listener, the main port does
 * not serve them (404): they are never public by default.
 */
export function metricsOnMainPort(ops: OpsConfig, metrics: PlatformMetrics, logger: Logger): Middleware {
  const token = ops.metricsAddr ? undefined : ops.metricsToken;
  return async (ctx, next) => {
    if (ctx.path !== METRICS_PATH || !token) return next();
    (ctx as { _matchedRoute?: string })._matchedRoute = METRICS_PATH;
    if (ctx.method !== 'GET') {
      ctx.status = 405;
      ctx.set('allow', 'GET');
      ctx.body = { error: 'Method not allowed' };
      return;
    }
    if (!bearerMatches(ctx.get('authorization'), token)) {
      ctx.status = 401;
      ctx.set('www-authenticate', 'Bearer');
      ctx.body = { error: 'Not authenticated' };
      return;
    }
    const { status, type, body } = await answer(metrics, logger);
    ctx.status = status;
    ctx.type = type;
    ctx.body = body;
  };
}

/**
 * METRICS_ADDR: a listener of its own for `GET /metrics` (bind it to an internal address). It asks
 * for METRICS_TOKEN too when one is set.
 */
export async function startMetricsListener(ops: OpsConfig, metrics: PlatformMetrics, logger: Logger): Promise<Server | undefined> {
  if (!ops.metricsAddr) return undefined;
  const { host, port } = ops.metricsAddr;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== METRICS_PATH) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
    if (ops.metricsToken && !bearerMatches(req.headers.authorization, ops.metricsToken)) return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    void answer(metrics, logger).then(({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  logger.info({ address: `${host}:${(server.address() as { port: number }).port}` }, 'metrics listener');
  return server;
}

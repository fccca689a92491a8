import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/** One pino line per request, with a child logger on `ctx.state.log` carrying the request id. */
export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const log = logger.child({ reqId: ctx.state.requestId });
    ctx.state.log = log;
    try {
      await next();
    } finally {
      if (log.isLevelEnabled('info')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.info({ method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
      }
    }
  };
}

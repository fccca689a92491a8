import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/**
 * One pino line per request carrying the request id. `ctx.state.log`, a child logger with the
 * request id, is made on first use: most requests never log through it, and a child costs an
 * allocation and a serialization of its bindings.
 */
export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const reqId = ctx.state.requestId as string;
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => (child ??= logger.child({ reqId })),
      enumerable: true,
      configurable: true,
    });
    try {
      await next();
    } finally {
      if (logger.isLevelEnabled('info')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // The same line the child would write: its binding first, then the fields.
        logger.info({ reqId, method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
      }
    }
  };
}

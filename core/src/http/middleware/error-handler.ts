import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { isHttpError } from '@mpanel/sdk';

/**
 * Turns anything thrown below into the contract's error shape. Unexpected errors are logged with
 * their stack and answered with a bare 500 (the stack is shown only in development).
 */
export function errorHandler(logger: Logger, exposeStack: boolean): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) {
        ctx.status = 404;
        ctx.body = { error: 'Not found' };
      } else if (ctx.body === undefined && ctx.status === 405) {
        ctx.body = { error: 'Method not allowed' };
      }
    } catch (err) {
      if (isHttpError(err)) {
        ctx.status = err.status;
        ctx.set(err.headers);
        ctx.body = err.details ? { error: err.message, details: err.details } : { error: err.message };
        return;
      }
      const log = (ctx.state.log as Logger | undefined) ?? logger;
      log.error({ err }, 'unhandled error');
      ctx.status = 500;
      ctx.body = exposeStack && err instanceof Error
        ? { error: 'Internal server error', details: { message: err.message, stack: err.stack ?? '' } }
        : { error: 'Internal server error' };
    }
  };
}

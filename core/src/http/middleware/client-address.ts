import type { Middleware } from 'koa';
import proxyaddr from 'proxy-addr';

/**
 * Sets `ctx.ip` to the client's address: the socket's peer, or, through trusted proxies, the
 * right-most X-Forwarded-For entry that is not one of them. The left-most entry is whatever the
 * client wrote, so it is never believed.
 */
export function clientAddress(trust: number | string[]): Middleware {
  // A hop count trusts the socket's peer and the entries nearest to it (`i` counts from the socket).
  const trusted = typeof trust === 'number' ? (_addr: string, i: number) => i < trust : proxyaddr.compile(trust);
  return async (ctx, next) => {
    ctx.request.ip = proxyaddr(ctx.req, trusted);
    await next();
  };
}

import type { Middleware } from 'koa';
import type { Principal } from '@mpanel/sdk';
import type { RateLimits } from '../rate-limits.ts';
import type { RouteStage } from '../route-pipeline.ts';

/** Every versioned API request spends from its client IP's budget, before anything else is done. */
export function ipRateLimit(limits: RateLimits): Middleware {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/api/v1/')) await limits.consume(ctx, 'ip', ctx.ip);
    await next();
  };
}

/**
 * After authentication: the principal's budget, and for routes marked `rateLimit: 'strict'`
 * (login, passwords, mail) the strict budget of the IP and of the principal.
 */
export function principalRateLimit(limits: RateLimits): RouteStage {
  return (route) => async (ctx, next) => {
    const principal = ctx.state.principal as Principal | undefined;
    const who = principal ? `${principal.kind}:${principal.id}` : undefined;
    if (who) await limits.consume(ctx, 'principal', who);
    if (route.rateLimit === 'strict') {
      await limits.consume(ctx, 'strict', `ip:${ctx.ip}`);
      if (who) await limits.consume(ctx, 'strict', who);
    }
    await next();
  };
}

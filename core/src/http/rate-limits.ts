import type { Redis } from 'ioredis';
import type { ParameterizedContext } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '@mpanel/sdk';
import type { RateLimitConfig } from '../config/config.ts';

export type RateLimitBucket = 'ip' | 'principal' | 'strict';

/** The tightest bucket a request has touched: it is what the RateLimit-* headers describe. */
interface Tightest {
  limit: number;
  remaining: number;
}

/**
 * Request budgets per client IP, per principal and, stricter, for login, password and mail
 * routes. Counters live in Redis when it is configured (shared by every instance) and in the
 * process otherwise; while Redis is unreachable each instance counts in its own memory instead
 * of failing or waiting. Redis keys carry the installation's id (its `default` tenant's), so test
 * databases and installations sharing one Redis never count each other's requests.
 */
export class RateLimits {
  private limiters = new Map<RateLimitBucket, RateLimiterAbstract | null>();
  private readonly prefix: string;

  constructor(private readonly config: RateLimitConfig, private readonly redis: Redis | undefined, installationId: string) {
    this.prefix = `mpanel:rl:${installationId}:`;
  }

  /** Spends one request of `key` in `bucket`; sets the RateLimit-* headers, throws 429 when spent. */
  async consume(ctx: ParameterizedContext, bucket: RateLimitBucket, key: string): Promise<void> {
    const limiter = this.limiter(bucket);
    if (!limiter) return;
    let res: RateLimiterRes;
    let refused = false;
    try {
      res = await limiter.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      res = err;
      refused = true;
    }
    const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    const tightest = ctx.state.rateLimit as Tightest | undefined;
    if (refused || !tightest || res.remainingPoints < tightest.remaining) {
      ctx.state.rateLimit = { limit: limiter.points, remaining: res.remainingPoints } satisfies Tightest;
      ctx.set({ 'RateLimit-Limit': String(limiter.points), 'RateLimit-Remaining': String(res.remainingPoints), 'RateLimit-Reset': String(resetSeconds) });
    }
    if (refused) throw new TooManyRequestsError(resetSeconds);
  }

  private limiter(bucket: RateLimitBucket): RateLimiterAbstract | null {
    let limiter = this.limiters.get(bucket);
    if (limiter === undefined) {
      const points = { ip: this.config.perIp, principal: this.config.perPrincipal, strict: this.config.strict }[bucket];
      const options = { points, duration: this.config.windowSeconds, keyPrefix: `${this.prefix}${bucket}` };
      limiter = points === 0
        ? null
        : this.redis
          ? new RateLimiterRedis({ ...options, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) })
          : new RateLimiterMemory(options);
      this.limiters.set(bucket, limiter);
    }
    return limiter;
  }
}

import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Mails per sender per hour, per tenant (each tenant sets its own budget). In memory: the receiver
 * is one process; a sender over budget gets a temporary SMTP refusal and its relay retries later.
 */
export class SenderLimits {
  private readonly limiters = new Map<string, RateLimiterMemory>();

  /** True when the mail may pass (and is counted). */
  async take(tenantId: string, sender: string, perHour: number): Promise<boolean> {
    const key = `${tenantId}:${perHour}`;
    let limiter = this.limiters.get(key);
    if (!limiter) this.limiters.set(key, (limiter = new RateLimiterMemory({ points: perHour, duration: 3600, keyPrefix: key })));
    try {
      await limiter.consume(`${tenantId}:${sender.toLowerCase()}`);
      return true;
    } catch (err) {
      if (err instanceof RateLimiterRes) return false;
      throw err;
    }
  }
}

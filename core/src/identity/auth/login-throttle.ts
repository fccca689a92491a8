/** Failures before an account is locked, and how long locks last (doubling each time, capped). */
export const MAX_ACCOUNT_FAILURES = 5;
const FIRST_LOCK_MS = 60_000;
const MAX_LOCK_MS = 60 * 60_000;
const IP_WINDOW_MS = 15 * 60_000;

/** How long the next lock lasts after `lockouts` earlier ones. */
export function lockDurationMs(lockouts: number): number {
  return Math.min(FIRST_LOCK_MS * 2 ** lockouts, MAX_LOCK_MS);
}

interface Counter {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  windowEnds: number;
}

/**
 * In-process counters for login failures per client IP, and per account for emails that have no
 * account (known accounts keep theirs in the users table, so a lock survives restarts). Unknown
 * emails are locked exactly like real ones, so lockouts reveal nothing about which emails exist.
 */
export class LoginThrottle {
  private readonly ips = new Map<string, Counter>();
  private readonly accounts = new Map<string, Counter>();

  constructor(private readonly maxIpFailures = 20) {}

  /** Seconds the IP must wait, or 0. */
  ipRetryAfter(ip: string, now = Date.now()): number {
    const c = this.ips.get(ip);
    if (!c || c.windowEnds <= now || c.failures < this.maxIpFailures) return 0;
    return Math.ceil((c.windowEnds - now) / 1000);
  }

  ipFailed(ip: string, now = Date.now()): void {
    const c = this.ips.get(ip);
    if (!c || c.windowEnds <= now) this.ips.set(ip, { failures: 1, lockouts: 0, lockedUntil: 0, windowEnds: now + IP_WINDOW_MS });
    else c.failures++;
    this.prune(this.ips, now);
  }

  unknownAccountRetryAfter(key: string, now = Date.now()): number {
    const c = this.accounts.get(key);
    return c && c.lockedUntil > now ? Math.ceil((c.lockedUntil - now) / 1000) : 0;
  }

  unknownAccountFailed(key: string, now = Date.now()): void {
    const c = this.accounts.get(key) ?? { failures: 0, lockouts: 0, lockedUntil: 0, windowEnds: 0 };
    c.failures++;
    if (c.failures >= MAX_ACCOUNT_FAILURES) {
      c.lockedUntil = now + lockDurationMs(c.lockouts);
      c.lockouts++;
      c.failures = 0;
    }
    this.accounts.set(key, c);
    this.prune(this.accounts, now);
  }

  // Bounded memory under a spray of addresses or emails.
  private prune(map: Map<string, Counter>, now: number): void {
    if (map.size < 50_000) return;
    for (const [k, c] of map) if (c.windowEnds <= now && c.lockedUntil <= now) map.delete(k);
  }
}

import { MemoryThrottleStore, lockMs, type AccountLockPolicy, type ThrottleStore } from './throttle-store.ts';

/** Failures before an account is locked, and how long locks last (doubling each time, capped). */
export const MAX_ACCOUNT_FAILURES = 5;
const FIRST_LOCK_MS = 60_000;
const MAX_LOCK_MS = 60 * 60_000;
const IP_WINDOW_MS = 15 * 60_000;
const ACCOUNT_POLICY: AccountLockPolicy = { maxFailures: MAX_ACCOUNT_FAILURES, firstLockMs: FIRST_LOCK_MS, maxLockMs: MAX_LOCK_MS, memoryMs: 24 * 3600_000 };

/** How long the next lock lasts after `lockouts` earlier ones. */
export function lockDurationMs(lockouts: number): number {
  return lockMs(ACCOUNT_POLICY, lockouts);
}

const seconds = (ms: number) => (ms > 0 ? Math.ceil(ms / 1000) : 0);

/**
 * Login failures per client IP, and per account for emails that have no account (known accounts
 * keep theirs in the users table, so a lock survives restarts). Unknown emails are locked exactly
 * like real ones, so lockouts reveal nothing about which emails exist. The counters live in a
 * ThrottleStore: in the process in embedded mode, in Redis (shared by every instance) when set.
 */
export class LoginThrottle {
  constructor(private readonly store: ThrottleStore = new MemoryThrottleStore(), private readonly maxIpFailures = 20) {}

  /** Seconds the IP must wait, or 0. */
  async ipRetryAfter(ip: string): Promise<number> {
    const window = await this.store.peek(`ip:${ip}`);
    return window.count >= this.maxIpFailures ? seconds(window.remainingMs) : 0;
  }

  async ipFailed(ip: string): Promise<void> {
    await this.store.hit(`ip:${ip}`, IP_WINDOW_MS);
  }

  async unknownAccountRetryAfter(key: string): Promise<number> {
    return seconds(await this.store.lockedMs(`account:${key}`));
  }

  /** Seconds an unknown account stays locked (refused), or 0: the attempt is counted up front. */
  async unknownAccountAttempt(key: string): Promise<number> {
    return seconds(await this.store.accountAttempt(`account:${key}`, ACCOUNT_POLICY));
  }

  async unknownAccountFailed(key: string): Promise<void> {
    await this.store.accountFailed(`account:${key}`, ACCOUNT_POLICY);
  }
}

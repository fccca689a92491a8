import type { AccountLockPolicy, FailureWindow, ThrottleStore } from './throttle-store.ts';

/**
 * The shared store, and the process's own while the shared one fails (Redis down): a login is
 * still throttled, per instance, instead of failing or waiting for Redis.
 */
export class FallbackThrottleStore implements ThrottleStore {
  constructor(private readonly primary: ThrottleStore, private readonly fallback: ThrottleStore, private readonly onFallback: (err: unknown) => void) {}

  hit(key: string, windowMs: number): Promise<FailureWindow> {
    return this.either((s) => s.hit(key, windowMs));
  }

  peek(key: string): Promise<FailureWindow> {
    return this.either((s) => s.peek(key));
  }

  accountFailed(key: string, policy: AccountLockPolicy): Promise<number> {
    return this.either((s) => s.accountFailed(key, policy));
  }

  lockedMs(key: string): Promise<number> {
    return this.either((s) => s.lockedMs(key));
  }

  accountAttempt(key: string, policy: AccountLockPolicy): Promise<number> {
    return this.either((s) => s.accountAttempt(key, policy));
  }

  private async either<T>(op: (store: ThrottleStore) => Promise<T>): Promise<T> {
    try {
      return await op(this.primary);
    } catch (err) {
      this.onFallback(err);
      return op(this.fallback);
    }
  }
}

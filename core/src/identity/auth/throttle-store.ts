/** A fixed-window failure counter: failures in the window and the milliseconds it has left. */
export interface FailureWindow {
  count: number;
  remainingMs: number;
}

/** How failures of one account turn into locks. */
export interface AccountLockPolicy {
  /** Failures that lock the account (and restart its count). */
  maxFailures: number;
  /** The first lock; each further one doubles, up to `maxLockMs`. */
  firstLockMs: number;
  maxLockMs: number;
  /** How long failures and the number of earlier locks are remembered. */
  memoryMs: number;
}

/**
 * Where login failure counters live: in the process (embedded mode, one instance) or in Redis
 * (several instances share them). Each operation is atomic in its store.
 */
export interface ThrottleStore {
  /** Counts one failure of `key`; the first failure opens a window of `windowMs`. */
  hit(key: string, windowMs: number): Promise<FailureWindow>;
  /** The current window of `key` (count 0 when there is none). */
  peek(key: string): Promise<FailureWindow>;
  /** Counts one failure of an account; answers the lock it caused in ms, or 0. */
  accountFailed(key: string, policy: AccountLockPolicy): Promise<number>;
  /** Milliseconds the account stays locked, or 0. */
  lockedMs(key: string): Promise<number>;
  /**
   * One atomic step before a password is checked: a locked account answers the ms it stays locked
   * (the attempt is refused, uncounted); otherwise the attempt counts as a failure up front and 0
   * lets it go on. So parallel attempts cannot all pass a check made before any of them failed.
   */
  accountAttempt(key: string, policy: AccountLockPolicy): Promise<number>;
}

/** The lock after `lockouts` earlier ones: doubling, capped. */
export function lockMs(policy: Pick<AccountLockPolicy, 'firstLockMs' | 'maxLockMs'>, lockouts: number): number {
  return Math.min(policy.firstLockMs * 2 ** lockouts, policy.maxLockMs);
}

interface Entry {
  count: number;
  expiresAt: number;
}

/** The in-process store (embedded mode): expiring entries in a map, bounded under a spray of keys. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now, private readonly maxEntries = 50_000) {}

  async hit(key: string, windowMs: number): Promise<FailureWindow> {
    return this.window(this.incr(key, windowMs));
  }

  async peek(key: string): Promise<FailureWindow> {
    const entry = this.live(key);
    return entry ? this.window(entry) : { count: 0, remainingMs: 0 };
  }

  async accountFailed(key: string, policy: AccountLockPolicy): Promise<number> {
    return this.countFailure(key, policy);
  }

  async accountAttempt(key: string, policy: AccountLockPolicy): Promise<number> {
    const locked = this.lockLeft(key);
    if (locked) return locked;
    this.countFailure(key, policy);
    return 0;
  }

  async lockedMs(key: string): Promise<number> {
    return this.lockLeft(key);
  }

  // Synchronous, so each public operation is atomic in the process.
  private countFailure(key: string, policy: AccountLockPolicy): number {
    const failures = this.incr(`${key}:failures`, policy.memoryMs);
    if (failures.count < policy.maxFailures) return 0;
    this.entries.delete(`${key}:failures`);
    const lockouts = this.incr(`${key}:lockouts`, policy.memoryMs, true);
    const ms = lockMs(policy, lockouts.count - 1);
    this.entries.set(`${key}:lock`, { count: 1, expiresAt: this.now() + ms });
    return ms;
  }

  private lockLeft(key: string): number {
    const lock = this.live(`${key}:lock`);
    return lock ? lock.expiresAt - this.now() : 0;
  }

  /** `refresh`: every increment restarts the expiry (remembered lockouts), else only the first. */
  private incr(key: string, ttlMs: number, refresh = false): Entry {
    const now = this.now();
    const entry = this.live(key) ?? { count: 0, expiresAt: now + ttlMs };
    entry.count++;
    if (refresh) entry.expiresAt = now + ttlMs;
    this.entries.set(key, entry);
    this.prune(now);
    return entry;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private window(entry: Entry): FailureWindow {
    return { count: entry.count, remainingMs: Math.max(0, entry.expiresAt - this.now()) };
  }

  private prune(now: number): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}

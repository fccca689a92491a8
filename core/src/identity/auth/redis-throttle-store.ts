import type { Redis } from 'ioredis';
import type { AccountLockPolicy, FailureWindow, ThrottleStore } from './throttle-store.ts';

// INCR, and PEXPIRE on the first failure only: a fixed window. Answers { count, ms left }.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`;

// KEYS: failures, lockouts, lock. ARGV: maxFailures, firstLockMs, maxLockMs, memoryMs.
// The max-th failure restarts the count, remembers one more lockout and sets the lock (doubling).
const ACCOUNT_FAILED = `
local f = redis.call('INCR', KEYS[1])
if f == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
if f < tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local ms = math.floor(math.min(tonumber(ARGV[2]) * 2 ^ (n - 1), tonumber(ARGV[3])))
redis.call('SET', KEYS[3], '1', 'PX', ms)
return ms`;
// A live lock refuses the attempt uncounted (answers its ms); else the attempt counts and may go on.
const ACCOUNT_ATTEMPT = `
local left = redis.call('PTTL', KEYS[3])
if left > 0 then return left end
local function count()${ACCOUNT_FAILED}
end
count()
return 0`;

/**
 * The Redis store: every instance of an installation sees the same counters. Keys carry
 * `prefix` (the installation) and expire on their own; each operation is one Lua script or command.
 */
export class RedisThrottleStore implements ThrottleStore {
  constructor(private readonly client: Redis, private readonly prefix: () => string) {}

  async hit(key: string, windowMs: number): Promise<FailureWindow> {
    const [count, ttl] = (await this.client.eval(HIT, 1, this.key(key), windowMs)) as [number, number];
    return { count, remainingMs: Math.max(0, ttl) };
  }

  async peek(key: string): Promise<FailureWindow> {
    const [[, count], [, ttl]] = (await this.client.multi().get(this.key(key)).pttl(this.key(key)).exec()) as [[unknown, string | null], [unknown, number]];
    return count === null ? { count: 0, remainingMs: 0 } : { count: Number(count), remainingMs: Math.max(0, ttl) };
  }

  async accountFailed(key: string, policy: AccountLockPolicy): Promise<number> {
    const k = this.key(key);
    return Number(
      await this.client.eval(ACCOUNT_FAILED, 3, `${k}:failures`, `${k}:lockouts`, `${k}:lock`, policy.maxFailures, policy.firstLockMs, policy.maxLockMs, policy.memoryMs),
    );
  }

  async accountAttempt(key: string, policy: AccountLockPolicy): Promise<number> {
    const k = this.key(key);
    return Number(
      await this.client.eval(ACCOUNT_ATTEMPT, 3, `${k}:failures`, `${k}:lockouts`, `${k}:lock`, policy.maxFailures, policy.firstLockMs, policy.maxLockMs, policy.memoryMs),
    );
  }

  async lockedMs(key: string): Promise<number> {
    return Math.max(0, await this.client.pttl(`${this.key(key)}:lock`));
  }

  private key(key: string): string {
    return `${this.prefix()}${key}`;
  }
}

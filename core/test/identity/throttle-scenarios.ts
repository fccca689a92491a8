import assert from 'node:assert/strict';
import { LoginThrottle } from '../../src/identity/auth/login-throttle.ts';
import type { ThrottleStore } from '../../src/identity/auth/throttle-store.ts';

const POLICY = { maxFailures: 3, firstLockMs: 60_000, maxLockMs: 200_000, memoryMs: 3600_000 };

/** The same scenarios for every ThrottleStore; `store()` gives a store with fresh keys each time. */
export function throttleScenarios(store: () => ThrottleStore): void {
  it('counts failures in a window and throttles the IP at the limit', async () => {
    const throttle = new LoginThrottle(store(), 4);
    for (let i = 0; i < 3; i++) await throttle.ipFailed('203.0.113.9');
    assert.equal(await throttle.ipRetryAfter('203.0.113.9'), 0);
    await throttle.ipFailed('203.0.113.9');
    const wait = await throttle.ipRetryAfter('203.0.113.9');
    assert.ok(wait > 0 && wait <= 15 * 60, `wait ${wait}`);
    assert.equal(await throttle.ipRetryAfter('203.0.113.10'), 0, 'another IP is not throttled');
  });

  it('locks an unknown account at the fifth failure, for a minute', async () => {
    const throttle = new LoginThrottle(store());
    for (let i = 0; i < 4; i++) await throttle.unknownAccountFailed('t:ghost@example.test');
    assert.equal(await throttle.unknownAccountRetryAfter('t:ghost@example.test'), 0);
    await throttle.unknownAccountFailed('t:ghost@example.test');
    const wait = await throttle.unknownAccountRetryAfter('t:ghost@example.test');
    assert.ok(wait > 0 && wait <= 60, `wait ${wait}`);
    assert.equal(await throttle.unknownAccountRetryAfter('t:other@example.test'), 0);
  });

  it('doubles each further lock up to the cap and restarts the count after each', async () => {
    const s = store();
    const locks: number[] = [];
    for (let i = 0; i < 12; i++) locks.push(await s.accountFailed('acct', POLICY));
    assert.deepEqual(locks, [0, 0, 60_000, 0, 0, 120_000, 0, 0, 200_000, 0, 0, 200_000]);
    const left = await s.lockedMs('acct');
    assert.ok(left > 0 && left <= 200_000);
    assert.equal(await s.lockedMs('another'), 0);
  });

  it('lets at most maxFailures parallel attempts of an account through, then refuses until the lock ends', async () => {
    const s = store();
    const waits = await Promise.all(Array.from({ length: 20 }, () => s.accountAttempt('burst', POLICY)));
    assert.equal(waits.filter((w) => w === 0).length, 3);
    assert.ok(waits.filter((w) => w > 0).every((w) => w <= 60_000));
    assert.equal((await s.lockedMs('burst')) > 0, true);
  });

  it('peeks without counting', async () => {
    const s = store();
    assert.deepEqual(await s.peek('k'), { count: 0, remainingMs: 0 });
    const first = await s.hit('k', 10_000);
    assert.equal(first.count, 1);
    assert.ok(first.remainingMs > 0 && first.remainingMs <= 10_000);
    assert.equal((await s.peek('k')).count, 1);
    assert.equal((await s.hit('k', 10_000)).count, 2);
  });
}

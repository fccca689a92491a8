import assert from 'node:assert/strict';
import { MemoryThrottleStore } from '../../src/identity/auth/throttle-store.ts';
import { throttleScenarios } from './throttle-scenarios.ts';

// The Redis store runs the same scenarios in login-throttle.integration.test.ts.
describe('login throttle: in-process store', () => {
  throttleScenarios(() => new MemoryThrottleStore());

  it('forgets a window and a lock once they expire', async () => {
    let now = 1_000_000;
    const s = new MemoryThrottleStore(() => now);
    await s.hit('ip', 1000);
    for (let i = 0; i < 3; i++) await s.accountFailed('acct', { maxFailures: 3, firstLockMs: 500, maxLockMs: 5000, memoryMs: 10_000 });
    assert.equal(await s.lockedMs('acct'), 500);
    now += 1000;
    assert.deepEqual(await s.peek('ip'), { count: 0, remainingMs: 0 });
    assert.equal(await s.lockedMs('acct'), 0);
    assert.equal((await s.hit('ip', 1000)).count, 1, 'a new window starts');
  });
});

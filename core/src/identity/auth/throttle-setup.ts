import type { RootContainer } from '../../container.ts';
import { LoginThrottle } from './login-throttle.ts';
import { RedisThrottleStore } from './redis-throttle-store.ts';
import { MemoryThrottleStore } from './throttle-store.ts';

/**
 * The login throttle of this instance: in Redis when REDIS_URL is set (every instance shares the
 * counters), else in the process. Redis keys are namespaced per installation (its `default`
 * tenant's id, known once seeded: `namespace` sets it at start), so installations and test
 * databases sharing one Redis never count each other's failures.
 */
export function createLoginThrottle(container: RootContainer): { throttle: LoginThrottle; namespace(installationId: string): void } {
  const { redis } = container.cradle;
  let prefix: string | undefined;
  const store = redis
    ? new RedisThrottleStore(redis.client, () => {
        if (!prefix) throw new Error('login throttle used before the installation was known');
        return prefix;
      })
    : new MemoryThrottleStore();
  return { throttle: new LoginThrottle(store), namespace: (id) => (prefix = `mpanel:login:${id}:`) };
}

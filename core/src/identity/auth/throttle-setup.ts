import type { RootContainer } from '../../container.ts';
import { LoginThrottle } from './login-throttle.ts';
import { RedisThrottleStore } from './redis-throttle-store.ts';
import { FallbackThrottleStore } from './fallback-throttle-store.ts';
import { MemoryThrottleStore } from './throttle-store.ts';

/**
 * The login throttle of this instance: in Redis when REDIS_URL is set (every instance shares the
 * counters), else in the process. Redis keys are namespaced per installation (its `default`
 * tenant's id, known once seeded: `namespace` sets it at start), so installations and test
 * databases sharing one Redis never count each other's failures. While Redis is unreachable the
 * counters fall back to the process (see FallbackThrottleStore), so logins never wait for it.
 */
export function createLoginThrottle(container: RootContainer): { throttle: LoginThrottle; namespace(installationId: string): void } {
  const { redis, logger } = container.cradle;
  let prefix: string | undefined;
  const store = redis
    ? new FallbackThrottleStore(
        new RedisThrottleStore(redis.fast, () => {
          if (!prefix) throw new Error('login throttle used before the installation was known');
          return prefix;
        }),
        new MemoryThrottleStore(),
        (err) => logger.warn({ err: (err as Error).message }, 'login throttle: Redis unavailable, counting in this process'),
      )
    : new MemoryThrottleStore();
  return { throttle: new LoginThrottle(store), namespace: (id) => (prefix = `mpanel:login:${id}:`) };
}

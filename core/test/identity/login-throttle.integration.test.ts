import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { LoginThrottle } from '../../src/identity/auth/login-throttle.ts';
import { RedisThrottleStore } from '../../src/identity/auth/redis-throttle-store.ts';
import { throttleScenarios } from './throttle-scenarios.ts';

describe('login throttle: Redis store (shared by instances)', function () {
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };
  before(function () {
    if (process.env.TEST_REDIS_URL) return;
    // CI runs the integration suite with Redis: its absence there is a failure, not a skip.
    if (process.env.CI) throw new Error('TEST_REDIS_URL is not set: the Redis login throttle cannot be tested');
    this.skip();
  });
  after(async () => {
    for (const c of clients) {
      const keys = await c.keys('mpanel:login:test-*');
      if (keys.length) await c.del(...keys);
    }
    await Promise.all(clients.map((c) => c.quit()));
  });

  const prefix = () => `mpanel:login:test-${randomUUID()}:`;
  let client: Redis | undefined;
  throttleScenarios(() => {
    client ??= connect();
    const p = prefix();
    return new RedisThrottleStore(client, () => p);
  });

  it('two instances (two connections) share the counters; another installation does not', async () => {
    const p = prefix();
    const a = new LoginThrottle(new RedisThrottleStore(connect(), () => p), 4);
    const b = new LoginThrottle(new RedisThrottleStore(connect(), () => p), 4);
    const other = new LoginThrottle(new RedisThrottleStore(connect(), prefix), 4);
    await a.ipFailed('198.51.100.7');
    await b.ipFailed('198.51.100.7');
    await a.ipFailed('198.51.100.7');
    assert.equal(await b.ipRetryAfter('198.51.100.7'), 0);
    await b.ipFailed('198.51.100.7');
    assert.ok((await a.ipRetryAfter('198.51.100.7')) > 0);
    assert.equal(await other.ipRetryAfter('198.51.100.7'), 0);
    for (let i = 0; i < 5; i++) await (i % 2 ? a : b).unknownAccountFailed('t:ghost@example.test');
    assert.ok((await a.unknownAccountRetryAfter('t:ghost@example.test')) > 0);
    assert.ok((await b.unknownAccountRetryAfter('t:ghost@example.test')) > 0);
    // Keys expire on their own.
    const ttl = await clients[0]!.pttl(`${p}ip:198.51.100.7`);
    assert.ok(ttl > 0 && ttl <= 15 * 60_000, `ttl ${ttl}`);
  });
});

import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

/** The shared Redis connection and a factory for the extra ones BullMQ and socket.io need. */
export interface RedisHandle {
  client: Redis;
  /**
   * For commands on a request's path (rate limits, login throttle): while Redis is unreachable they
   * fail at once (no offline queue, a command timeout) so callers fall back instead of hanging.
   */
  fast: Redis;
  /** A new connection with the same options (BullMQ workers, pub/sub), or some of them changed. */
  duplicate(override?: Partial<RedisOptions>): Redis;
  ready(): boolean;
  close(): Promise<void>;
}

const FAST_COMMAND_TIMEOUT_MS = 500;

export function openRedis(url: string, logger: Logger): RedisHandle {
  // BullMQ requires maxRetriesPerRequest: null on its connections.
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
  const client = new Redis(url, options);
  const fast = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: FAST_COMMAND_TIMEOUT_MS, enableReadyCheck: true });
  const extra: Redis[] = [fast];
  client.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
  fast.on('error', () => undefined); // the main connection reports the outage
  return {
    client,
    fast,
    duplicate(override) {
      const conn = client.duplicate(override);
      conn.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
      extra.push(conn);
      return conn;
    },
    ready: () => client.status === 'ready',
    async close() {
      // QUIT waits for a connection that may never come back (Redis down): then just drop it.
      await Promise.allSettled([...extra, client].map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
    },
  };
}

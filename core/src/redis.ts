import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

/** The shared Redis connection and a factory for the extra ones BullMQ and socket.io need. */
export interface RedisHandle {
  client: Redis;
  /** A new connection with the same options (BullMQ workers, pub/sub). */
  duplicate(): Redis;
  ready(): boolean;
  close(): Promise<void>;
}

export function openRedis(url: string, logger: Logger): RedisHandle {
  // BullMQ requires maxRetriesPerRequest: null on its connections.
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
  const client = new Redis(url, options);
  const extra: Redis[] = [];
  client.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
  return {
    client,
    duplicate() {
      const conn = client.duplicate();
      conn.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
      extra.push(conn);
      return conn;
    },
    ready: () => client.status === 'ready',
    async close() {
      await Promise.allSettled([...extra, client].map((c) => c.quit()));
    },
  };
}

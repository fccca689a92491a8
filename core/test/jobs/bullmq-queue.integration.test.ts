import { randomUUID } from 'node:crypto';
import { BullJobQueue } from '../../src/jobs/bullmq-queue.ts';
import { openRedis, type RedisHandle } from '../../src/redis.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { queueDatabase, silentLogger, type QueueDatabase } from './queue-database.ts';
import { queueContract } from './queue-contract.ts';

let database: QueueDatabase | undefined;

// BullMQ on the real Redis of the integration suite; the database holds what a transaction relays.
if (process.env.TEST_REDIS_URL) {
  queueContract({
    name: 'BullMQ',
    // One migrated database for the file; each test gets its own Redis key prefix, so an empty queue.
    async open() {
      database ??= await queueDatabase();
      const { db, tenantId } = database;
      const prefix = `contract${randomUUID().slice(0, 8)}`;
      const workers: Array<{ q: JobQueue; redis: RedisHandle }> = [];
      return {
        appKnex: db.appKnex,
        tenantId,
        async steal(jobId) {
          // The lock's value is the owner's token: another value is another worker's lock.
          await workers[0]!.redis.client.set(`${prefix}:mpanel-jobs:${jobId}:lock`, 'another-worker');
        },
        async worker(settings, setup) {
          const redis = openRedis(process.env.TEST_REDIS_URL!, silentLogger);
          const q = new BullJobQueue(redis, db.knex, silentLogger, prefix, db.appKnex, { stopGraceMs: 1000, ...settings });
          setup(q);
          await q.start();
          workers.push({ q, redis });
          return q;
        },
        async close() {
          for (const { q, redis } of workers) {
            await q.stop();
            await redis.close();
          }
        },
      };
    },
    async closeAll() {
      await database?.destroy();
    },
  });
}

import { randomUUID } from 'node:crypto';
import { BullJobQueue } from '../../src/jobs/bullmq-queue.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { createLogger } from '../../src/logger.ts';
import { openRedis, type RedisHandle } from '../../src/redis.ts';
import { migrateUp } from '../../src/db/migrator.ts';
import { CORE_MIGRATIONS } from '../../src/platform.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { queueContract } from './queue-contract.ts';

const logger = createLogger({ logLevel: 'silent', nodeEnv: 'test' });
let database: TestDatabase | undefined;
let tenantId = '';

// BullMQ on the real Redis of the integration suite; the database holds what a transaction relays.
if (process.env.TEST_REDIS_URL) {
  queueContract({
    name: 'BullMQ',
    // One migrated database for the file; each test gets its own Redis key prefix, so an empty queue.
    async open() {
      if (!database) {
        database = await createTestDatabase();
        await migrateUp(database.db.knex, [CORE_MIGRATIONS]);
        [{ id: tenantId }] = await database.db.knex('tenants').insert({ name: 'Queue', slug: 'queue' }).returning('id');
      }
      const db = database.db;
      const prefix = `contract${randomUUID().slice(0, 8)}`;
      const workers: Array<{ q: JobQueue; redis: RedisHandle }> = [];
      return {
        appKnex: db.appKnex,
        tenantId,
        async worker(settings, setup) {
          const redis = openRedis(process.env.TEST_REDIS_URL!, logger);
          const q = new BullJobQueue(redis, db.knex, logger, prefix, db.appKnex, { stopGraceMs: 1000, ...settings });
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

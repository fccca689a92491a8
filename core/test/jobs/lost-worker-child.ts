/**
 * A worker process for the lost-worker test: runs the queue's `t.hang` job, says so on stdout
 * ("started <id>") and works on it until the test SIGKILLs the process.
 */
import { openDatabase } from '../../src/db/connect.ts';
import { createLogger } from '../../src/logger.ts';
import { openRedis } from '../../src/redis.ts';
import { BullJobQueue } from '../../src/jobs/bullmq-queue.ts';
import { DatabaseJobQueue } from '../../src/jobs/database-queue.ts';

const env = process.env as Record<string, string>;
// Only ever the test's child: loaded any other way (a test glob) it must not open a database.
if (!env.JOBS_DATABASE_URL) throw new Error('lost-worker-child.ts runs only as the child of lost-worker.integration.test.ts');
const logger = createLogger({ logLevel: 'silent', nodeEnv: 'test' });
const db = await openDatabase({ databaseUrl: env.JOBS_DATABASE_URL });
const settings = { leaseMs: Number(env.JOBS_LEASE_MS) };
const queue = env.JOBS_REDIS_URL
  ? new BullJobQueue(openRedis(env.JOBS_REDIS_URL, logger), db.knex, logger, env.JOBS_PREFIX, db.appKnex, settings)
  : new DatabaseJobQueue(db.knex, logger, db.appKnex, settings);
queue.define('t', 'hang', async (job) => {
  process.stdout.write(`started ${job.id}\n`);
  await new Promise(() => undefined);
});
await queue.start();

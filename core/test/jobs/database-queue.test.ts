import { DatabaseJobQueue } from '../../src/jobs/database-queue.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { createLogger } from '../../src/logger.ts';
import { migrateUp } from '../../src/db/migrator.ts';
import { CORE_MIGRATIONS } from '../../src/platform.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { queueContract } from './queue-contract.ts';

const logger = createLogger({ logLevel: 'silent', nodeEnv: 'test' });

// On PGlite in the unit suite, on PostgreSQL (TEST_DATABASE_URL) in the integration suite.
let database: TestDatabase | undefined;
let tenantId = '';

queueContract({
  name: process.env.TEST_DATABASE_URL ? 'database queue, PostgreSQL' : 'database queue, PGlite',
  // One migrated database for the file (migrating takes seconds); each test starts from empty queue tables.
  async open() {
    if (!database) {
      database = await createTestDatabase();
      await migrateUp(database.db.knex, [CORE_MIGRATIONS]);
      [{ id: tenantId }] = await database.db.knex('tenants').insert({ name: 'Queue', slug: 'queue' }).returning('id');
    }
    await database.db.knex('jobs').delete();
    await database.db.knex('job_schedules').delete();
    const workers: JobQueue[] = [];
    const db = database.db;
    return {
      appKnex: db.appKnex,
      tenantId,
      async worker(settings, setup) {
        const q = new DatabaseJobQueue(db.knex, logger, db.appKnex, { stopGraceMs: 1000, ...settings });
        setup(q);
        await q.start();
        workers.push(q);
        return q;
      },
      async close() {
        for (const q of workers) await q.stop();
      },
    };
  },
  async closeAll() {
    await database?.destroy();
  },
});

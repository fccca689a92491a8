import { DatabaseJobQueue } from '../../src/jobs/database-queue.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { queueDatabase, silentLogger, type QueueDatabase } from './queue-database.ts';
import { queueContract } from './queue-contract.ts';

let database: QueueDatabase | undefined;

// On PGlite in the unit suite, on PostgreSQL (TEST_DATABASE_URL) in the integration suite.
queueContract({
  name: process.env.TEST_DATABASE_URL ? 'database queue, PostgreSQL' : 'database queue, PGlite',
  // One migrated database for the file; each test starts from empty queue tables.
  async open() {
    database ??= await queueDatabase();
    const { db, tenantId } = database;
    await db.knex('jobs').delete();
    await db.knex('job_schedules').delete();
    const workers: JobQueue[] = [];
    return {
      appKnex: db.appKnex,
      tenantId,
      async steal(jobId) {
        // A live owner that keeps its lease.
        await db.knex('jobs').where({ id: jobId }).update({ lock_token: 'another-worker', locked_until: new Date(Date.now() + 3_600_000) });
      },
      async worker(settings, setup) {
        const q = new DatabaseJobQueue(db.knex, silentLogger, db.appKnex, { stopGraceMs: 1000, ...settings });
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

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { BullJobQueue } from '../../src/jobs/bullmq-queue.ts';
import { DatabaseJobQueue } from '../../src/jobs/database-queue.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { openRedis, type RedisHandle } from '../../src/redis.ts';
import { queueDatabase, silentLogger as logger, type QueueDatabase } from './queue-database.ts';
import { cliEnv, REPO_ROOT } from '../support/cli-process.ts';
import { waitFor } from '../plugins/wait.ts';

const CHILD = fileURLToPath(new URL('./lost-worker-child.ts', import.meta.url));
const LEASE = 600;

/**
 * A worker process SIGKILLed in the middle of a job (no stop, no heartbeat any more): another
 * worker takes the job over once the lease has ended, not before, and runs it to the end. On
 * the database queue (PostgreSQL) and on BullMQ (Redis).
 */
describe('a worker killed mid-job', function () {
  this.timeout(120_000);
  let database: QueueDatabase;
  let url: string;
  before(async function () {
    if (!process.env.TEST_DATABASE_URL) this.skip();
    database = await queueDatabase();
    const target = new URL(process.env.TEST_DATABASE_URL!);
    target.pathname = `/${(database.db.knex.client.connectionSettings as { database: string }).database}`;
    url = target.toString();
  });
  after(() => database?.destroy());

  const backends = [
    { name: 'database queue', redis: undefined as string | undefined },
    { name: 'BullMQ', redis: process.env.TEST_REDIS_URL },
  ];
  for (const backend of backends) {
    it(`has its job taken over after the lease, not before (${backend.name})`, async function () {
      if (backend.name === 'BullMQ' && !backend.redis) this.skip();
      const prefix = `lost${randomUUID().slice(0, 8)}`;
      let redis: RedisHandle | undefined;
      const takeovers: number[] = [];
      const open = (): JobQueue => {
        redis = backend.redis ? openRedis(backend.redis, logger) : undefined;
        const q = redis ? new BullJobQueue(redis, database.db.knex, logger, prefix, database.db.appKnex, { leaseMs: LEASE }) : new DatabaseJobQueue(database.db.knex, logger, database.db.appKnex, { leaseMs: LEASE });
        q.define('t', 'hang', () => void takeovers.push(Date.now()));
        return q;
      };
      const survivor = open();
      try {
        const id = await survivor.enqueue('t', 'hang', {});
        const env = cliEnv({ JOBS_DATABASE_URL: url, JOBS_LEASE_MS: String(LEASE), JOBS_PREFIX: prefix, ...(backend.redis ? { JOBS_REDIS_URL: backend.redis } : {}) });
        const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
        await waitFor(async () => out.includes(`started ${id}`), 60_000);
        await new Promise((r) => setTimeout(r, LEASE)); // it holds the job through a few heartbeats
        const killedAt = Date.now();
        child.kill('SIGKILL');
        assert.equal(await exited, 'SIGKILL');
        await survivor.start();
        const at = await waitFor(async () => takeovers[0], 10_000);
        // Its last heartbeat was at most a third of a lease before the kill.
        assert.ok(at >= killedAt + (LEASE * 2) / 3 - 15, `taken over ${killedAt + LEASE - at} ms before the lease could have ended`);
        const done = await waitFor(async () => (await survivor.list('completed', null, 1, 50)).rows.find((j) => j.id === id));
        assert.equal(done.attempts, 2);
        assert.equal(takeovers.length, 1);
      } finally {
        await survivor.stop();
        await redis?.close();
      }
    });
  }
});

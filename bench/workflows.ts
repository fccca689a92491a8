/**
 * `npm run bench:workflows`: steps per second through the durable workflow runtime against the
 * same number of raw jobs through the job queue, measured in the same run (the ratio is the cost
 * of durability: a lease, a row per step, a committed result between steps). Embedded PGlite and
 * the database queue by default; PostgreSQL and BullMQ when DATABASE_URL / REDIS_URL are set.
 *
 *   BENCH_STEPS=1000 BENCH_STEPS_PER_RUN=5 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:workflows
 */
import { randomBytes } from 'node:crypto';
import { definePlugin, step } from '@mpanel/sdk';
import { loadConfig } from '../core/src/config/config.ts';
import { createPlatform } from '../core/src/platform.ts';
import { createTestDatabase } from '../core/src/testing/database.ts';

const STEPS = Number(process.env.BENCH_STEPS ?? 500);
const PER_RUN = Number(process.env.BENCH_STEPS_PER_RUN ?? 5);
const RUNS = Math.ceil(STEPS / PER_RUN);
const DATABASE_URL = process.env.DATABASE_URL || undefined;
const REDIS_URL = process.env.REDIS_URL || undefined;

let jobsDone = 0;
const bench = definePlugin({
  manifest: { id: 'bench', name: 'Bench', version: '1.0.0', engines: { mpanel: '*' } },
  register(ctx) {
    ctx.workflows.define({ name: 'noop', steps: Array.from({ length: PER_RUN }, (_, i) => step(`s${i}`, { run: () => ({ i }) })) });
    ctx.jobs.define('noop', () => {
      jobsDone++;
    }, { attempts: 1 });
  },
});

async function until(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((r) => setTimeout(r, 20));
}

const database = await createTestDatabase(DATABASE_URL);
const config = loadConfig({
  NODE_ENV: 'test', DATA_DIR: '/tmp/mpanel-bench', MPANEL_ADMIN_EMAIL: 'bench@example.test', MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
  ...(REDIS_URL ? { REDIS_URL } : {}),
});
const platform = await createPlatform(config, { database: database.db, plugins: { definitions: [bench], queuePrefix: `bench${randomBytes(4).toString('hex')}` } });
try {
  const { knex, jobQueue, workflows } = platform.container.cradle;
  const tenant = (await knex('tenants').first('id')) as { id: string };
  const label = `${DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${jobQueue.kind === 'bullmq' ? 'BullMQ' : 'database queue'}`;
  process.stdout.write(`${label}: ${RUNS * PER_RUN} steps (${RUNS} runs of ${PER_RUN} no-op steps) vs as many no-op jobs\n`);

  let t = performance.now();
  for (let i = 0; i < RUNS * PER_RUN; i++) await jobQueue.enqueue('bench', 'noop', { i }, { tenantId: tenant.id });
  await until(async () => jobsDone >= RUNS * PER_RUN);
  const jobRate = (RUNS * PER_RUN) / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let i = 0; i < RUNS; i++) await workflows.start('bench', 'noop', { i }, { tenantId: tenant.id });
  await until(async () => Number((await knex('workflow_runs').where({ status: 'succeeded' }).count({ n: '*' }))[0]!.n) >= RUNS);
  const stepRate = (RUNS * PER_RUN) / ((performance.now() - t) / 1000);
  const failed = await knex('workflow_runs').whereNot({ status: 'succeeded' }).count({ n: '*' });

  process.stdout.write(`  raw jobs        ${jobRate.toFixed(0).padStart(7)} jobs/s\n`);
  process.stdout.write(`  workflow steps  ${stepRate.toFixed(0).padStart(7)} steps/s   (${(stepRate / PER_RUN).toFixed(1)} runs/s; not succeeded: ${Number(failed[0]!.n)})\n`);
  process.stdout.write(`  ratio steps/jobs ${(stepRate / jobRate).toFixed(2)}\n`);
} finally {
  await platform.close();
  await database.destroy();
}

// The second figure: the retention delete rate on a table of a million outbox rows (bench/retention.ts).
if (process.env.BENCH_SKIP_RETENTION !== '1') {
  const { measureRetention, formatRetention } = await import('./retention.ts');
  process.stdout.write('\nretention: ');
  process.stdout.write(formatRetention(await measureRetention({ databaseUrl: DATABASE_URL })));
}

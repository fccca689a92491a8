import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { definePlugin } from '@mpanel/sdk';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase, type Database } from '../../src/db/connect.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { waitFor } from './wait.ts';

/** Runs per tick (job id), and which instance ran each. */
const runs = new Map<string, string[]>();

/** The same plugin on each instance, labelled so the test knows who ran a tick. */
const ticker = (instance: string) =>
  definePlugin({
    manifest: { id: 'ticker', name: 'Ticker', version: '1.0.0', engines: { mpanel: '*' } },
    register(ctx) {
      ctx.jobs.define('tick', (job) => {
        runs.set(job.id, [...(runs.get(job.id) ?? []), instance]);
      });
      ctx.jobs.schedule('tick', '* * * * * *');
    },
  });

/**
 * Two platform instances on one PostgreSQL database (and one Redis when TEST_REDIS_URL is set):
 * a cron schedule fires once per tick across both, whichever instance takes it.
 */
describe('cron across two instances on one database', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let second: Database | undefined;
  const platforms: Platform[] = [];

  before(async function () {
    if (!process.env.TEST_DATABASE_URL) this.skip();
    database = await createTestDatabase();
    // The fresh database's URL: the server of TEST_DATABASE_URL, the name knex connected to.
    const target = new URL(process.env.TEST_DATABASE_URL!);
    target.pathname = `/${(database.db.knex.client.connectionSettings as { database: string }).database}`;
    const url = target.toString();
    const queuePrefix = `cron${randomUUID().slice(0, 8)}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: '/tmp/mpanel-test-data',
      DATABASE_URL: url,
      MPANEL_ADMIN_EMAIL: 'admin@example.test',
      MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
      ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    });
    platforms.push(await createPlatform(config, { database: database.db, plugins: { definitions: [ticker('a')], queuePrefix } }));
    second = await openDatabase({ databaseUrl: url });
    platforms.push(await createPlatform(config, { database: second, plugins: { definitions: [ticker('b')], queuePrefix } }));
  });

  after(async () => {
    for (const p of platforms.reverse()) await p.close();
    await second?.close();
    await database?.destroy();
  });

  it('runs each tick once, on one of the two instances', async () => {
    await waitFor(async () => runs.size >= 4 || undefined, 30_000);
    // Let a tick that a second instance might also take finish before counting.
    await new Promise((r) => setTimeout(r, 500));
    const doubles = [...runs].filter(([, who]) => who.length !== 1);
    assert.deepEqual(doubles, [], 'a tick ran more than once');
    assert.equal(platforms.length, 2);
    for (const p of platforms) assert.deepEqual(p.container.cradle.pluginManager.list().map((s) => s.status), ['active']);
  });
});

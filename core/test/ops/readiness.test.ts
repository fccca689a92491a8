import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { openRedis } from '../../src/redis.ts';
import { createLogger } from '../../src/logger.ts';
import { loadConfig } from '../../src/config/config.ts';
import { Readiness, type ReadinessSources } from '../../src/ops/readiness.ts';
import type { WorkSnapshot } from '../../src/ops/metrics/database-gauges.ts';

const QUIET: WorkSnapshot = { jobs: [], outboxLagSeconds: 0, eventDeliveryLagSeconds: 0, webhookDeliveryLagSeconds: 0, eventDeliveriesDead: 0, webhookDeliveriesFailed: 0, workflowRuns: [] };

describe('GET /api/health/ready', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { METRICS_CACHE_MS: '0', READY_STUCK_AFTER_SECONDS: '600' } });
  });
  after(() => server.close());

  it('is 200 with every check on a healthy server; /api/health stays the plain liveness answer', async () => {
    const res = await server.request('GET', '/api/health/ready');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.status, 'ready');
    assert.equal(res.body.data.role, 'all');
    for (const check of ['database', 'migrations', 'plugins', 'work']) assert.equal(res.body.data.checks[check].ok, true, check);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const live = await server.request('GET', '/api/health');
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'ok');
  });

  it('is 503 naming the migrations while one is pending', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpanel-pending-'));
    writeFileSync(join(dir, '20990101000000_later.ts'), 'export async function up() {}\nexport async function down() {}\n');
    const sets = server.running.platform.container.cradle.migrationSets;
    sets.push({ owner: 'ops-test', tableName: 'knex_migrations_ops_test', directory: dir });
    try {
      const res = await server.request('GET', '/api/health/ready');
      assert.equal(res.status, 503);
      assert.match(res.body.error, /^Not ready: migrations$/);
      assert.match(res.body.details.migrations, /1 pending: ops-test:20990101000000_later/);
      assert.equal(res.body.checks.database.ok, true);
    } finally {
      sets.pop();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal((await server.request('GET', '/api/health/ready')).status, 200);
  });

  it('is 503 on a worker-running role when due work waits past READY_STUCK_AFTER_SECONDS', async () => {
    const c = server.running.platform.container.cradle;
    await c.eventDispatcher.loop.stop(); // nothing dispatches the old event
    const [event] = await server.knex('outbox_events').insert({ name: 'ops.stuck', source: 'core', payload: {}, created_at: new Date(Date.now() - 3600_000) }).returning('id');
    try {
      const res = await server.request('GET', '/api/health/ready');
      assert.equal(res.status, 503);
      assert.match(res.body.details.work, /oldest due work waits for 3\d{3} s \(threshold 600 s\)/);
    } finally {
      await server.knex('outbox_events').where({ id: event.id }).delete();
    }
    assert.equal((await server.request('GET', '/api/health/ready')).status, 200);
  });
});

describe('Readiness checks against unreachable services', () => {
  const logger = createLogger(loadConfig({ NODE_ENV: 'test' }));
  const base = (over: Partial<ReadinessSources>): ReadinessSources => ({
    role: 'all', knex: knexFactory({ client: 'pg' }), redis: undefined, migrationSets: [], plugins: { list: () => [] }, requiredPlugins: [],
    work: async () => QUIET, stuckAfterSeconds: 60, timeoutMs: 1500, ...over,
  });

  it('is not ready when the database does not answer (a closed port), and says only that', async () => {
    const knex = knexFactory({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:1/none', pool: { min: 0, max: 1, acquireTimeoutMillis: 1000 }, log: { error: () => undefined, warn: () => undefined } });
    try {
      const errors: string[] = [];
      const { ready, checks } = await new Readiness(base({ knex, work: async () => knex.raw('select 1') as never, onError: (c) => errors.push(c) })).check();
      assert.equal(ready, false);
      assert.equal(checks.database!.ok, false);
      assert.ok(!checks.database!.problem!.includes('127.0.0.1'), 'no address in the public answer');
      assert.ok(checks.database!.ms < 2000, 'bounded by the check timeout');
      assert.ok(errors.includes('database'));
    } finally {
      await knex.destroy();
    }
  });

  it('is not ready when Redis is configured but down (a closed port)', async () => {
    const redis = openRedis('redis://127.0.0.1:1', logger);
    const knex = knexFactory({ client: 'pg' });
    try {
      const readiness = new Readiness(base({ redis, knex, migrationSets: [] }));
      // The database is not what this test is about: only Redis is looked at.
      const { checks } = await readiness.check();
      assert.equal(checks.redis!.ok, false);
    } finally {
      await redis.close();
      await knex.destroy();
    }
  });

  it('counts a failed plugin against readiness only when READY_REQUIRED_PLUGINS names it; stuck work only fails roles that run it', async () => {
    const stuck = async (): Promise<WorkSnapshot> => ({ ...QUIET, eventDeliveryLagSeconds: 120 });
    const plugins = { list: () => [{ id: 'dns', version: '1.0.0', status: 'failed' as const, error: 'boom' }] };
    const fakeKnex = { raw: async () => undefined } as never;
    const web = await new Readiness(base({ knex: fakeKnex, role: 'web', work: stuck, plugins })).check();
    assert.equal(web.ready, true);
    assert.match(web.checks.work!.problem!, /120 s/);
    assert.match(web.checks.plugins!.problem!, /dns \(failed\)/);
    const worker = await new Readiness(base({ knex: fakeKnex, role: 'worker', work: stuck, plugins, requiredPlugins: ['dns'] })).check();
    assert.equal(worker.ready, false);
    assert.equal(worker.checks.work!.ok, false);
    assert.equal(worker.checks.plugins!.ok, false);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { superAdminToken } from '../../src/testing/auth.ts';
import type { CoreModule } from '../../src/module.ts';
import { sample } from './prom-text.ts';
import { freePort } from './free-port.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';

describe('GET /metrics', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    // A route that fails, to see a 5xx counted with the status the error middleware answered.
    const boom: CoreModule = { name: 'boom', routes: () => [{ method: 'GET', path: '/api/v1/ops-test/boom', public: true, transaction: false, handler: () => { throw new Error('boom'); } }] };
    server = await startTestServer({ env: { METRICS_TOKEN: TOKEN, METRICS_CACHE_MS: '0' }, modules: [boom] });
    token = await superAdminToken(server);
  });
  after(() => server.close());

  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return res.text();
  };

  it('answers only with the bearer token: 401 without it or with another one', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status, 405);
  });

  it('counts requests by route template and status, never by raw path', async () => {
    const id = randomUUID();
    assert.equal((await server.request('GET', `/api/v1/users/${id}`, { token })).status, 404);
    const junk = `/api/v1/no-such-thing-${randomUUID()}`;
    await server.request('GET', junk);
    await server.request('GET', '/api/health');
    assert.equal((await server.request('GET', '/api/v1/ops-test/boom')).status, 500);
    const text = await scrape();
    assert.equal(sample(text, 'mpanel_http_requests_total', { route: '/api/v1/ops-test/boom', method: 'GET', status: '500' }), 1);
    assert.ok(!text.includes(id) && !text.includes(junk), 'no raw path in the labels');
    assert.ok((sample(text, 'mpanel_http_requests_total', { route: '/api/v1/users/:id', method: 'GET', status: '404' }) ?? 0) >= 1);
    assert.ok((sample(text, 'mpanel_http_requests_total', { route: '<unmatched>', method: 'GET', status: '404' }) ?? 0) >= 1);
    assert.ok((sample(text, 'mpanel_http_requests_total', { route: '/api/health', method: 'GET', status: '200' }) ?? 0) >= 1);
    assert.ok((sample(text, 'mpanel_http_request_duration_seconds_count', { route: '/api/health', method: 'GET' }) ?? 0) >= 1);
  });

  it('exports process, pool, plugin, login and work metrics', async () => {
    const bad = await server.request('POST', '/api/v1/auth/login', { body: { email: 'admin@example.test', password: 'not-the-password-at-all' } });
    assert.equal(bad.status, 401);
    const text = await scrape();
    assert.ok(sample(text, 'mpanel_process_resident_memory_bytes')! > 0, 'default Node process metrics');
    assert.ok(sample(text, 'mpanel_db_pool_connections', { pool: 'owner', state: 'max' })! >= 1);
    assert.equal(sample(text, 'mpanel_plugin_status', { plugin: 'billing', status: 'active' }), 1);
    assert.ok(sample(text, 'mpanel_login_failures_total', { reason: 'password' })! >= 1);
    assert.equal(sample(text, 'mpanel_login_lockouts_total'), 0);
    for (const name of ['mpanel_outbox_lag_seconds', 'mpanel_delivery_lag_seconds', 'mpanel_deliveries_failed']) assert.notEqual(sample(text, name), undefined, name);
    assert.match(text, /role="all"/);
    // With Redis the job queue is BullMQ: its own queue is reported beside the database's rows.
    if (process.env.TEST_REDIS_URL) assert.notEqual(sample(text, 'mpanel_queue_jobs', { queue: 'mpanel-jobs', state: 'waiting' }), undefined);
  });

  it('reads the outbox lag and the failed deliveries from the database at scrape', async () => {
    const c = server.running.platform.container.cradle;
    // Stopped, so the test's old event stays undispatched.
    await c.eventDispatcher.loop.stop();
    const [event] = await server.knex('outbox_events').insert({ name: 'ops.test', source: 'core', payload: {}, created_at: new Date(Date.now() - 3600_000) }).returning('id');
    await server.knex('event_deliveries').insert({ event_id: event.id, subscriber: 'ops-test', status: 'dead', attempts: 8 });
    const text = await scrape();
    assert.ok(sample(text, 'mpanel_outbox_lag_seconds')! >= 3590, `lag: ${sample(text, 'mpanel_outbox_lag_seconds')}`);
    assert.ok(sample(text, 'mpanel_deliveries_failed', { kind: 'event' })! >= 1);
    await server.knex('outbox_events').where({ id: event.id }).delete();
  });

  it('reports workflow runs by state', async () => {
    const tenant = (await server.knex('tenants').first('id')) as { id: string };
    // States the runtime leaves alone (no worker picks these up), written as the runtime writes them.
    const run = (status: string) => ({ tenant_id: tenant.id, name: 'probe', owner: 'metrics-test', status, finished_at: status === 'succeeded' ? new Date() : null });
    await server.knex('workflow_runs').insert([run('succeeded'), run('needs_attention'), run('needs_attention')]);
    try {
      const text = await scrape();
      assert.equal(sample(text, 'mpanel_workflow_runs', { state: 'needs_attention' }), 2);
      assert.equal(sample(text, 'mpanel_workflow_runs', { state: 'succeeded' }), 1);
    } finally {
      await server.knex('workflow_runs').where({ owner: 'metrics-test' }).del();
    }
  });
});

describe('GET /metrics is never public by default', () => {
  it('is a 404 on the main port without METRICS_TOKEN', async () => {
    const server = await startTestServer();
    try {
      assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
      assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer anything-at-all-here' } })).status, 404);
    } finally {
      await server.close();
    }
  });

  it('METRICS_ADDR serves them on an internal listener of their own, not on the main port', async () => {
    const port = await freePort();
    const server = await startTestServer({ env: { METRICS_ADDR: `127.0.0.1:${port}`, METRICS_TOKEN: TOKEN } });
    try {
      assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 401, 'the token still applies when set');
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /mpanel_process_cpu_seconds_total/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
    } finally {
      await server.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the listener closes with the server');
  });
});

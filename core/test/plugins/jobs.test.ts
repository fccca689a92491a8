import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { superAdminToken } from '../../src/testing/auth.ts';
import { waitFor } from './wait.ts';

const JOBS = fileURLToPath(new URL('../fixtures/plugins/jobs', import.meta.url));
const runs = ((globalThis as { __jobRuns?: Record<string, number> }).__jobRuns ??= {});

// The same scenarios run on the database queue (unit suite) and on BullMQ (integration suite,
// where TEST_REDIS_URL makes every test server use Redis).
describe(`jobs (${process.env.TEST_REDIS_URL ? 'BullMQ' : 'database queue'})`, function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer({ plugins: { directories: [JOBS], queuePrefix: `t${randomUUID().slice(0, 8)}`, eventRetryBaseMs: 20 } });
    token = await superAdminToken(server);
  });
  after(() => server?.close());

  it('retries with backoff, and an idempotency key queues one job', async () => {
    const tag = randomUUID();
    const a = await server.request('POST', '/api/v1/worker/jobs', { token, body: { job: 'flaky', key: `k-${tag}`, tag } });
    const b = await server.request('POST', '/api/v1/worker/jobs', { token, body: { job: 'flaky', key: `k-${tag}`, tag } });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.data.id, b.body.data.id);
    await waitFor(async () => (runs[tag] ?? 0) >= 2);
    const done = await waitFor(async () => {
      const res = await server.request('GET', '/api/v1/jobs?status=completed', { token });
      return res.body.data.find((j: { id: string }) => j.id === a.body.data.id);
    });
    assert.equal(done.attempts, 2);
    assert.equal(runs[tag], 2);
  });

  it('lists failed jobs and retries them', async () => {
    const queued = await server.request('POST', '/api/v1/worker/jobs', { token, body: { job: 'doomed' } });
    const id = queued.body.data.id as string;
    const failed = await waitFor(async () => {
      const res = await server.request('GET', '/api/v1/jobs?status=failed', { token });
      return res.body.data.find((j: { id: string }) => j.id === id);
    });
    assert.equal(failed.lastError, 'always fails');
    assert.equal(failed.attempts, 2);
    const retry = await server.request('POST', `/api/v1/jobs/${encodeURIComponent(id)}/retry`, { token });
    assert.equal(retry.status, 200);
    assert.equal((await server.request('POST', '/api/v1/jobs/no-such-job/retry', { token })).status, 404);
  });

  it("queues a request's job only if the request commits", async () => {
    const tag = randomUUID();
    const failed = await server.request('POST', '/api/v1/worker/jobs', { token, body: { job: 'record', tag: `${tag}-rolled-back`, fail: true } });
    assert.equal(failed.status, 409, JSON.stringify(failed.body));
    const committed = await server.request('POST', '/api/v1/worker/jobs', { token, body: { job: 'record', tag: `${tag}-committed` } });
    assert.equal(committed.status, 200, JSON.stringify(committed.body));
    await waitFor(async () => runs[`${tag}-committed`]);
    await new Promise((r) => setTimeout(r, 300)); // a job that should not exist has had time to run
    assert.equal(runs[`${tag}-committed`], 1);
    assert.equal(runs[`${tag}-rolled-back`], undefined);
  });

  it("queues an event handler's job only if the handler's transaction commits", async () => {
    const tag = randomUUID();
    assert.equal((await server.request('POST', '/api/v1/worker/pokes', { token, body: { tag: `${tag}-fails`, fail: true } })).status, 200);
    assert.equal((await server.request('POST', '/api/v1/worker/pokes', { token, body: { tag: `${tag}-ok` } })).status, 200);
    await waitFor(async () => runs[`${tag}-ok`]);
    // The failing handler has used both its attempts (each enqueued, each rolled back).
    await waitFor(async () => {
      const res = await server.request('GET', '/api/v1/events/dead-letters', { token });
      return res.body.data?.some((d: { payload?: { tag?: string } }) => d.payload?.tag === `${tag}-fails`);
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(runs[`${tag}-ok`], 1);
    assert.equal(runs[`${tag}-fails`], undefined);
  });

  it('runs a cron schedule once per tick', async () => {
    const before = runs.tick ?? 0;
    await waitFor(async () => (runs.tick ?? 0) >= before + 2);
    const perTick = Object.entries(runs).filter(([k]) => k.startsWith('tick:')).map(([, n]) => n);
    assert.ok(perTick.every((n) => n === 1), JSON.stringify(perTick));
  });
});

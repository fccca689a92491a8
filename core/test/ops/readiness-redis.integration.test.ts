import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { freePort } from './free-port.ts';

/**
 * Readiness follows Redis: a private redis-server (its own port, nothing saved) that the test
 * stops under a running mPanel, which then answers 503 naming Redis, and 200 again once it is back.
 */
describe('GET /api/health/ready while Redis goes away', function () {
  this.timeout(90_000);
  let server: TestServer;
  let redis: ChildProcess | undefined;
  let port: number;

  const startRedis = async () => {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`http://127.0.0.1:${port}`).then(() => true, (err: { cause?: { code?: string } }) => err.cause?.code !== 'ECONNREFUSED');
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private redis-server did not start');
  };
  const stopRedis = async () => {
    if (!redis || redis.exitCode !== null) return;
    const exited = new Promise((resolve) => redis!.once('exit', resolve));
    redis.kill('SIGKILL');
    await exited;
  };
  const ready = () => server.request('GET', '/api/health/ready');
  const until = async (status: number) => {
    let res = await ready();
    for (let i = 0; i < 100 && res.status !== status; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await ready();
    }
    return res;
  };

  before(async () => {
    port = await freePort();
    await startRedis();
    server = await startTestServer({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, METRICS_CACHE_MS: '0' } });
  });
  after(async () => {
    // Up again before the server closes: its queue's connections close cleanly then.
    if (redis?.exitCode !== null) await startRedis().catch(() => undefined);
    await server?.close();
    await stopRedis();
  });

  it('is 200 with Redis, 503 naming redis while it is down, 200 again when it is back', async () => {
    const up = await ready();
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.data.checks.redis.ok, true);

    await stopRedis();
    const down = await until(503);
    assert.equal(down.status, 503, JSON.stringify(down.body));
    assert.deepEqual(Object.keys(down.body.details), ['redis']);
    assert.ok(down.body.checks.redis.ms < 2500, 'bounded by the check timeout');
    assert.equal((await server.request('GET', '/api/health')).status, 200, 'liveness does not depend on Redis');

    await startRedis();
    assert.equal((await until(200)).status, 200);
  });
});

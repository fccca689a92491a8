import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../src/testing/test-server.ts';
import { TEST_ADMIN } from '../src/testing/auth.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A private redis-server for this test alone (never the machine's shared one). */
async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    proc.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept connections') && resolve());
  });
  return proc;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await fn();
  return { result, ms: Date.now() - started };
}

describe('a Redis outage while serving', () => {
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let server: TestServer;
  let queuedMailId: string | undefined;

  before(async function () {
    this.timeout(120_000);
    if (spawnSync('redis-server', ['--version']).status !== 0) {
      if (process.env.CI) throw new Error('redis-server is not installed: the Redis outage cannot be tested');
      this.skip();
    }
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    server = await startTestServer({ env: { REDIS_URL: `redis://127.0.0.1:${redisPort}`, RATE_LIMIT_IP: '1000', RATE_LIMIT_STRICT: '100' } });
  });
  after(async function () {
    this.timeout(30_000);
    // A graceful shutdown after an outage is not what this test is about (BullMQ's close waits
    // for its connections): give it a while, then let mocha's exit end the process.
    await Promise.race([server?.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    redis?.kill('SIGKILL');
  });

  it('logins, failed logins and mail answer at once instead of waiting for Redis', async function () {
    this.timeout(60_000);
    const token = (await server.request('POST', '/api/v1/auth/login', { body: TEST_ADMIN })).body.data.accessToken as string;

    const stopped = new Promise((resolve) => redis!.once('exit', resolve));
    redis!.kill('SIGKILL');
    await stopped;

    const wrong = await timed(() => server.request('POST', '/api/v1/auth/login', { body: { email: TEST_ADMIN.email, password: 'not-the-password' } }));
    assert.equal(wrong.result.status, 401);
    assert.ok(wrong.ms < 3000, `a failed login took ${wrong.ms} ms`);

    const right = await timed(() => server.request('POST', '/api/v1/auth/login', { body: TEST_ADMIN }));
    assert.equal(right.result.status, 200, JSON.stringify(right.result.body));
    assert.ok(right.ms < 3000, `a login took ${right.ms} ms`);

    const mail = await timed(() => server.request('POST', '/api/v1/mail/test', { token, body: {} }));
    assert.ok(mail.ms < 3000, `queueing a mail took ${mail.ms} ms (status ${mail.result.status})`);
    assert.equal(mail.result.status, 202, JSON.stringify(mail.result.body));
    queuedMailId = String(mail.result.body.data.id).split(':').pop();
  });

  it('keeps the mail queued during the outage and delivers it once Redis is back', async function () {
    this.timeout(90_000);
    assert.ok(queuedMailId, 'the previous test queued a mail while Redis was down');
    const held = await server.knex('jobs').where({ status: 'relay', name: 'core.mail.send' }).whereLike('id', `%${queuedMailId}`);
    assert.equal(held.length, 1, 'the mail job is held in the database, not lost');

    redis = await startRedis(redisPort);
    const { slug } = (await server.knex('tenants').orderBy('created_at').first('slug')) as { slug: string };
    const index = join('/tmp/mpanel-test-data', 'mail-outbox', slug, 'index.jsonl');
    const deadline = Date.now() + 75_000;
    let delivered = false;
    while (!delivered && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      delivered = (await readFile(index, 'utf8').catch(() => '')).includes(queuedMailId!);
    }
    assert.ok(delivered, `mail ${queuedMailId} reached the outbox folder after Redis came back`);
    assert.equal((await server.knex('jobs').where({ status: 'relay' })).length, 0, 'no job is left in the relay');
  });
});

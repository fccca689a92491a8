import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.ts';

const run = promisify(execFile);

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 2271);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.nodeEnv, 'development');
    assert.match(config.dataDir, /data$/);
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT must be a port number/],
    [{ PORT: '70000' }, /PORT must be a port number/],
    [{ DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL must be a URL/],
    [{ REDIS_URL: 'http://localhost' }, /REDIS_URL must start with redis:\/\//],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be one of/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET is required when NODE_ENV=production/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
    [{ CORS_ORIGINS: 'example.com' }, /CORS_ORIGINS must be a comma-separated list/],
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY must be a hop count \(e\.g\. 1\) or a comma-separated list of proxy addresses/],
    [{ TRUST_PROXY: '10.0.0.0/8, nonsense' }, /TRUST_PROXY must be a hop count/],
    [{ RATE_LIMIT_IP: '-5' }, /RATE_LIMIT_IP must be a whole number of at least 0/],
    [{ RATE_LIMIT_WINDOW: '0' }, /RATE_LIMIT_WINDOW must be a whole number of at least 1/],
    [{ JOB_LEASE_MS: '10' }, /JOB_LEASE_MS must be a whole number of at least 30/],
    [{ JOB_LEASE_MS: '99999999999' }, /JOB_LEASE_MS must be at most 2147483647 ms/],
    [{ JOB_SLOTS: '0' }, /JOB_SLOTS must be a whole number of at least 1/],
    [{ JOB_STOP_GRACE_MS: '1e3' }, /JOB_STOP_GRACE_MS must be a whole number/],
    [{ MPANEL_EVENT_CONCURRENCY: '0' }, /MPANEL_EVENT_CONCURRENCY must be a whole number of at least 1/],
    [{ MPANEL_WEBHOOK_TIMEOUT_MS: '2.5' }, /MPANEL_WEBHOOK_TIMEOUT_MS must be a whole number of at least 1/],
    [{ MPANEL_EVENT_HANDLER_TIMEOUT_MS: '99999999999' }, /MPANEL_EVENT_HANDLER_TIMEOUT_MS must be at most 2147483647 ms/],
  ];
  for (const [env, message] of bad) {
    it(`rejects ${JSON.stringify(env)} naming the variable`, () => {
      assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message) && !err.message.includes('\n'));
    });
  }

  it('reads TRUST_PROXY as a hop count or a list of proxies, and rate limits as whole numbers', () => {
    assert.equal(loadConfig({}).trustProxy, 0);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, ['loopback', '10.0.0.0/8']);
    assert.deepEqual(loadConfig({ RATE_LIMIT_STRICT: '0', RATE_LIMIT_IP: '50' }).rateLimit, { windowSeconds: 60, perIp: 50, perPrincipal: 600, strict: 0 });
  });

  it('reads the job lease, slots and stop grace, with defaults', () => {
    assert.deepEqual(loadConfig({}).jobs, { leaseMs: 60_000, slots: 4, stopGraceMs: 30_000 });
    assert.deepEqual(loadConfig({ JOB_LEASE_MS: '200', JOB_SLOTS: '8', JOB_STOP_GRACE_MS: '0' }).jobs, { leaseMs: 200, slots: 8, stopGraceMs: 0 });
  });

  it('reads the delivery settings, with their defaults', () => {
    assert.deepEqual(loadConfig({}).delivery, { eventConcurrency: 4, eventHandlerTimeoutMs: 30_000, webhookConcurrency: 16, webhookPerEndpoint: 2, webhookTimeoutMs: 10_000 });
    const set = loadConfig({ MPANEL_EVENT_CONCURRENCY: '8', MPANEL_EVENT_HANDLER_TIMEOUT_MS: '5000', MPANEL_WEBHOOK_CONCURRENCY: '64', MPANEL_WEBHOOK_PER_ENDPOINT: '4', MPANEL_WEBHOOK_TIMEOUT_MS: '3000' });
    assert.deepEqual(set.delivery, { eventConcurrency: 8, eventHandlerTimeoutMs: 5000, webhookConcurrency: 64, webhookPerEndpoint: 4, webhookTimeoutMs: 3000 });
  });

  it('shows error details only when NODE_ENV=development is set explicitly, not by default', () => {
    assert.equal(loadConfig({}).exposeErrorDetails, false);
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).exposeErrorDetails, false);
    assert.equal(loadConfig({ NODE_ENV: 'development' }).exposeErrorDetails, true);
  });

  it('generates the JWT secret once in embedded mode and keeps it in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpanel-config-'));
    const first = loadConfig({ DATA_DIR: dir }, { persistSecrets: true }).jwtSecret;
    const second = loadConfig({ DATA_DIR: dir }, { persistSecrets: true }).jwtSecret;
    assert.equal(first, second);
    assert.equal(readFileSync(join(dir, 'jwt-secret'), 'utf8'), first);
    assert.ok(first.length >= 32);
  });

  it('stops `mpanel start` with one line naming the variable, writing nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mpanel-config-')), 'data');
    const err = await run('node', ['bin/mpanel.js', 'start'], { env: { ...process.env, PORT: 'abc', DATA_DIR: dir } }).then(
      () => assert.fail('expected the process to fail'),
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    assert.equal(err.code, 1);
    assert.equal(err.stderr.trim(), 'Invalid configuration: PORT must be a port number from 0 to 65535 (got "abc")');
    assert.equal(existsSync(dir), false, 'nothing is written for a bad configuration');
  });
});

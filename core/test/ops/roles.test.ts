import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { CLI, cliEnv, run, tempDataDir } from '../support/cli-process.ts';

describe('process roles: configuration', () => {
  it('defaults to all; MPANEL_ROLE picks web or worker on PostgreSQL', () => {
    assert.equal(loadConfig({}).role, 'all');
    assert.equal(loadConfig({ MPANEL_ROLE: 'web', DATABASE_URL: 'postgres://x@db/y' }).role, 'web');
    assert.equal(loadConfig({ MPANEL_ROLE: 'worker', DATABASE_URL: 'postgres://x@db/y' }).role, 'worker');
    assert.throws(() => loadConfig({ MPANEL_ROLE: 'cron', DATABASE_URL: 'postgres://x@db/y' }), /MPANEL_ROLE must be one of all, web, worker/);
  });

  it('refuses web and worker in embedded mode (one process owns PGlite)', () => {
    assert.throws(() => loadConfig({ MPANEL_ROLE: 'worker' }), (err: unknown) => err instanceof ConfigError && /worker \(--role worker\) needs DATABASE_URL/.test(err.message));
  });

  it('checks METRICS_ADDR and METRICS_TOKEN', () => {
    assert.deepEqual(loadConfig({ METRICS_ADDR: '127.0.0.1:9464' }).ops.metricsAddr, { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(loadConfig({ METRICS_ADDR: '[::1]:9464' }).ops.metricsAddr, { host: '::1', port: 9464 });
    assert.throws(() => loadConfig({ METRICS_ADDR: '9464' }), /METRICS_ADDR must be host:port/);
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN must be at least 16/);
  });

  it('`mpanel start --role worker` without DATABASE_URL exits with one line, writing nothing', async function () {
    this.timeout(60_000);
    const data = tempDataDir();
    try {
      const result = await run(process.execPath, [CLI, 'start', '--role', 'worker'], cliEnv({ DATA_DIR: `${data.dir}/d`, PORT: '0' }));
      assert.equal(result.code, 1);
      assert.match(result.stderr.trim(), /^Invalid configuration: MPANEL_ROLE worker \(--role worker\) needs DATABASE_URL: embedded mode \(PGlite\) runs as one process, role all$/);
      assert.equal(existsSync(`${data.dir}/d`), false, 'no DATA_DIR, no generated secrets');
    } finally {
      data.remove();
    }
  });
});

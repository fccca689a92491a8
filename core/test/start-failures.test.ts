import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { startServer } from '../src/server.ts';
import { StartupError } from '../src/startup-failure.ts';
import { CLI, cliEnv, run, tempDataDir } from './support/cli-process.ts';

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('start-up failures are one line naming the cause', () => {
  const data = tempDataDir();
  after(() => data.remove());

  it('a busy port fails at once, before the database is opened', async () => {
    const { port, server } = await occupiedPort();
    try {
      const dataDir = join(data.dir, 'busy');
      const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
      const started = Date.now();
      await assert.rejects(startServer(config), (err: unknown) => {
        assert.ok(err instanceof StartupError, String(err));
        assert.equal(err.message, `Cannot start: port ${port} on 127.0.0.1 is already in use (set PORT to a free port)`);
        return true;
      });
      assert.ok(Date.now() - started < 500, `took ${Date.now() - started} ms`);
      assert.equal(existsSync(join(dataDir, 'pglite')), false, 'no database work was started');
    } finally {
      server.close();
    }
  });

  it('`mpanel start` prints only that line and exits 1', async function () {
    this.timeout(60_000);
    const { port, server } = await occupiedPort();
    try {
      const res = await run(process.execPath, [CLI, 'start'], cliEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(data.dir, 'cli') }));
      assert.equal(res.code, 1);
      assert.equal(res.stderr.trim(), `Cannot start: port ${port} on 127.0.0.1 is already in use (set PORT to a free port)`);
    } finally {
      server.close();
    }
  });

  it('an unreachable database server is named, without its password', async () => {
    const { port, server } = await occupiedPort();
    server.close(); // now nothing listens there
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `postgres://mpanel:s3cret@127.0.0.1:${port}/mpanel` });
    await assert.rejects(startServer(config), (err: unknown) => {
      assert.ok(err instanceof StartupError, String(err));
      assert.equal(err.message, `Cannot start: the PostgreSQL server at 127.0.0.1:${port} is unreachable (ECONNREFUSED; check DATABASE_URL and that the server runs)`);
      return true;
    });
  });

  it('a missing database is named', async function () {
    if (!process.env.TEST_DATABASE_URL) this.skip();
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = '/mpanel_no_such_database';
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url.toString() });
    await assert.rejects(startServer(config), (err: unknown) => {
      assert.ok(err instanceof StartupError, String(err));
      assert.match(err.message, /^Cannot start: database "mpanel_no_such_database" does not exist on the PostgreSQL server at [^ ]+ \(create it, or fix DATABASE_URL\)$/);
      return true;
    });
  });
});

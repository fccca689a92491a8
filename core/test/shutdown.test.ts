import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import type { CoreModule } from '../src/module.ts';
import { loadConfig } from '../src/config/config.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { CLI, RUNNING_AT, ServerProcess, cliEnv, get, loopback, tempDataDir } from './support/cli-process.ts';
import { ownDatabase } from './support/own-database.ts';

/** A promise whose resolution the test controls. */
function gate<T = void>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** The platform opens (and must close) its own database here, so it is not handed one. */
async function startOwnDatabaseServer(modules: CoreModule[]): Promise<{ running: RunningServer; cleanup(): Promise<void> }> {
  const database = await ownDatabase();
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', ...database.env });
  const running = await startServer(config, { modules }).catch(async (err: unknown) => {
    await database.remove();
    throw err;
  });
  return {
    running,
    async cleanup() {
      await running.close(2000);
      await database.remove();
    },
  };
}

describe('graceful shutdown', () => {
  it('stops accepting, finishes the request in flight, then closes the database', async () => {
    const entered = gate();
    const release = gate();
    const slowModule: CoreModule = {
      name: 'slow',
      routes: () => [
        {
          method: 'GET',
          path: '/api/v1/slow',
          public: true,
          handler: async (ctx) => {
            entered.open();
            await release.promise;
            // The transaction is still usable: nothing was closed under the request.
            const trx = ctx.scope.resolve<Knex.Transaction>('trx');
            const { rows } = (await trx.raw('select 41 + 1 as answer')) as { rows: Array<{ answer: number }> };
            return { data: { answer: rows[0]!.answer } };
          },
        },
      ],
    };
    const { running, cleanup } = await startOwnDatabaseServer([slowModule]);
    try {
      const inFlight = get(`${running.url}/api/v1/slow`);
      await entered.promise;

      let closed = false;
      const closing = running.close(10_000).then(() => (closed = true));

      // No new connections once closing has started.
      await assert.rejects(get(`${running.url}/api/health`), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
      assert.equal(running.server.listening, false);
      assert.equal(closed, false, 'close() must wait for the request in flight');

      release.open();
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { data: { answer: 42 } });

      await closing;
      assert.equal(closed, true);
      await assert.rejects(running.platform.container.cradle.knex.raw('select 1'), 'the database is closed after shutdown');
    } finally {
      release.open();
      await cleanup();
    }
  });

  it('ends `mpanel start` with exit code 0 on SIGTERM', async function () {
    this.timeout(60_000);
    const data = tempDataDir();
    // NODE_ENV=test: no admin UI build on a fresh clone (start.test.ts covers the real first start).
    const env = cliEnv({ DATA_DIR: data.dir, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'warn' });
    const server = new ServerProcess(process.execPath, [CLI, 'start'], env);
    try {
      const [, printed] = await server.waitFor(RUNNING_AT);
      const res = await get(`${loopback(printed!)}/api/health`);
      assert.equal(res.status, 200);
      assert.equal(JSON.parse(res.body).database, 'pglite');

      assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null }, `stdout: ${server.stdout}\nstderr: ${server.stderr}`);
    } finally {
      await server.stop('SIGKILL');
      data.remove();
    }
  });
});

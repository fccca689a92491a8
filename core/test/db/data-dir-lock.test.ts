import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/connect.ts';
import { DataDirLockedError } from '../../src/db/data-dir-lock.ts';
import { CLI, RUNNING_AT, ServerProcess, cliEnv, run, tempDataDir } from '../support/cli-process.ts';

/**
 * One process per embedded database: a second server or a writing CLI command on the same
 * DATA_DIR is refused with one line naming the holder (each would otherwise keep its own copy of
 * the database, and one side's writes vanished — a created admin was gone after a restart).
 */
describe('one process per DATA_DIR (embedded database lock)', function () {
  this.timeout(240_000);
  const data = tempDataDir();
  const env = cliEnv({ DATA_DIR: data.dir, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development', MPANEL_ADMIN_EMAIL: 'owner@example.test', MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple' });
  const mpanel = (...args: string[]) => run(process.execPath, [CLI, ...args], env);
  const lockFile = join(data.dir, 'pglite.lock');
  after(() => data.remove());

  it('refuses a second start, admin:create, migrate and billing:run while the server runs, naming its pid', async () => {
    const server = new ServerProcess(process.execPath, [CLI, 'start'], env);
    try {
      await server.waitFor(RUNNING_AT);
      const pid = server.child.pid!;
      for (const args of [['start'], ['admin:create', '--email', 'late@example.test', '--password', 'another-long-passphrase'], ['migrate'], ['billing:run', '--date', '2026-12-01']]) {
        const res = await run(process.execPath, [CLI, ...args], env);
        assert.equal(res.code, 1, `${args[0]} exits 1: ${res.stdout} ${res.stderr}`);
        assert.equal(res.stderr, `The data directory ${join(data.dir, 'pglite')} is in use by another mPanel process (pid ${pid}): stop it first, or use its API; only one process at a time may open the embedded database\n`, args[0]);
      }
      assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null }, server.stderr);
    } finally {
      await server.stop('SIGKILL');
    }
    assert.ok(!existsSync(lockFile), 'a clean shutdown releases the lock');

    // The refused admin was not created behind the server's back, and now it can be.
    const created = await mpanel('admin:create', '--email', 'late@example.test', '--password', 'another-long-passphrase');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'Created super_admin late@example.test in tenant default\n');

    // Written while nobody else held the database: the next server has it.
    const again = new ServerProcess(process.execPath, [CLI, 'start'], env);
    try {
      const [, url] = await again.waitFor(RUNNING_AT);
      const base = `http://127.0.0.1:${new URL(url!).port}`;
      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'late@example.test', password: 'another-long-passphrase' }) });
      assert.equal(login.status, 200, await login.clone().text());
    } finally {
      await again.stop('SIGTERM');
    }
  });

  it('takes over the lock of a killed process (its pid is gone)', async () => {
    const server = new ServerProcess(process.execPath, [CLI, 'start'], env);
    await server.waitFor(RUNNING_AT);
    await server.stop('SIGKILL');
    assert.ok(existsSync(lockFile), 'SIGKILL leaves the lock file behind');
    const res = await mpanel('migrate', 'status');
    assert.equal(res.code, 0, res.stderr);
    assert.ok(!existsSync(lockFile));

    // A lock naming a live process that is not mPanel's is still respected (the pid is all it knows).
    writeFileSync(lockFile, `${process.pid}\n`);
    const held = await mpanel('migrate', 'status');
    assert.equal(held.code, 1);
    assert.match(held.stderr, new RegExp(`in use by another mPanel process \\(pid ${process.pid}\\)`));
  });

  it('in one process too: a second open of the same directory is refused until the first is closed', async () => {
    const dir = join(data.dir, 'in-process');
    const first = await openDatabase({ dataDir: dir });
    try {
      await assert.rejects(openDatabase({ dataDir: dir }), (err: Error) => err instanceof DataDirLockedError && err.holderPid === process.pid);
    } finally {
      await first.close();
    }
    const second = await openDatabase({ dataDir: dir });
    await second.close();
    assert.ok(!existsSync(`${dir}.lock`));
  });
});

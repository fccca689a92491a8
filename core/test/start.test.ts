import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, RUNNING_AT, ServerProcess, cliEnv, get, loopback, tempDataDir } from './support/cli-process.ts';

/** The first-start note: "Log in at <url> as <email> with password <generated> (shown only this once ...)". */
const LOGIN_NOTE = /log in\b.*?(\S+@[^\s,;]+).*?\bpassword (\S+)/i;

describe('npm start on a fresh machine (embedded database, no services)', () => {
  const data = tempDataDir();
  after(() => data.remove());

  it('migrates, seeds, prints the URL and how to log in, and serves the API', async function () {
    // A fresh clone's first start also builds the admin UI (vite), slow on a busy 2-core machine.
    this.timeout(240_000);
    // Exactly the README's command, in a DATA_DIR that does not exist yet.
    const dataDir = join(data.dir, 'fresh');
    const server = new ServerProcess('npm', ['start', '--silent'], cliEnv({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }), { group: true });
    try {
      const [, printed] = await server.waitFor(RUNNING_AT);
      const base = loopback(printed!);
      const note = await server.waitFor(LOGIN_NOTE);
      const [, email, password] = note;
      // The note names the port the server really listens on, not the configured PORT=0.
      assert.ok(note[0].includes(`${printed!.replace(/\/$/, '')}/admin`), `login note names the running URL: ${note[0]}`);

      const health = await get(`${base}/api/health`);
      assert.equal(health.status, 200);
      assert.equal(JSON.parse(health.body).database, 'pglite');
      assert.ok(existsSync(join(dataDir, 'pglite')), 'the embedded database lives in DATA_DIR');
      assert.ok(existsSync(join(dataDir, 'jwt-secret')), 'the generated JWT secret is kept in DATA_DIR');

      // The printed credentials really log in.
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      assert.equal(login.status, 200, `login with the printed credentials: ${await login.clone().text()}`);
      assert.equal(typeof ((await login.json()) as { data: { accessToken: unknown } }).data.accessToken, 'string');

      // Ctrl-C: the server shuts down (its exit code is checked in shutdown.test.ts; npm reports the signal).
      await server.stop('SIGINT');
      await assert.rejects(get(`${base}/api/health`), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');

      // The generated password is printed once: a second start on the same DATA_DIR keeps quiet about it.
      const again = new ServerProcess(process.execPath, [CLI, 'start'], cliEnv({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }));
      try {
        await again.waitFor(RUNNING_AT);
        assert.ok(!again.stdout.includes(password!), 'the password is not printed again');
        assert.deepEqual(await again.stop('SIGTERM'), { code: 0, signal: null }, `stdout: ${again.stdout}\nstderr: ${again.stderr}`);
      } finally {
        await again.stop('SIGKILL');
      }
    } finally {
      await server.stop('SIGKILL');
    }
  });
});

import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/db/connect.ts';
import { CLI, RUNNING_AT, ServerProcess, cliEnv, get, loopback, tempDataDir } from './support/cli-process.ts';

/** The first-start note: "Log in at <url> as <email> with password <generated> (shown only this once ...)". */
const LOGIN_NOTE = /log in\b.*?(\S+@[^\s,;]+).*?\bpassword (\S+)/i;

/**
 * A first embedded start on a machine with no migrated dump yet stores one (in MPANEL_CACHE_DIR);
 * the next first start, in another new DATA_DIR and through `npm start`, is made from it, and is
 * still a complete installation: healthy, seeded, its printed login works.
 */
describe('npm start on a fresh DATA_DIR from the migrated dump', () => {
  const data = tempDataDir();
  after(() => data.remove());

  /** Starts, checks health and the printed login, stops; answers the printed email. */
  async function firstStart(command: string, args: string[], dataDir: string): Promise<void> {
    const env = cliEnv({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', MPANEL_CACHE_DIR: join(data.dir, 'cache') });
    const server = new ServerProcess(command, args, env, { group: true });
    try {
      const [, printed] = await server.waitFor(RUNNING_AT);
      const base = loopback(printed!);
      const [, email, password] = await server.waitFor(LOGIN_NOTE);
      const health = await get(`${base}/api/health`);
      assert.equal(health.status, 200, health.body);
      assert.equal(JSON.parse(health.body).status, 'ok');
      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      assert.equal(login.status, 200, `login with the printed credentials: ${await login.clone().text()}`);
      assert.equal(typeof ((await login.json()) as { data: { accessToken: unknown } }).data.accessToken, 'string');
    } finally {
      await server.stop('SIGTERM');
    }
  }

  /** When each migration was recorded in that directory's database. */
  async function migrationTimes(dataDir: string): Promise<string[]> {
    const db = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    try {
      const { rows } = await db.knex.raw(`select name || ' ' || migration_time::text as t from knex_migrations order by id`);
      return (rows as Array<{ t: string }>).map((r) => r.t);
    } finally {
      await db.close();
    }
  }

  it('the first start stores the dump, the next new DATA_DIR starts from it, seeded and able to log in', async function () {
    this.timeout(300_000);
    const cache = join(data.dir, 'cache');
    const first = join(data.dir, 'first');
    await firstStart(process.execPath, [CLI, 'start'], first);
    const dumps = readdirSync(cache);
    assert.equal(dumps.length, 1, `one dump, nothing else: ${dumps.join(', ')}`);
    assert.match(dumps[0]!, /^pglite-[\d.]+-[0-9a-f]{20}\.tar$/);
    const written = statSync(join(cache, dumps[0]!)).mtimeMs;

    const second = join(data.dir, 'second');
    await firstStart('npm', ['start', '--silent'], second);
    assert.deepEqual(readdirSync(cache), dumps);
    assert.equal(statSync(join(cache, dumps[0]!)).mtimeMs, written, 'the dump was read, not rewritten');

    // Made from the dump: its migrations carry the first installation's timestamps (a migration run
    // of its own would have recorded new ones), and it has its own seeded admin (logged in above).
    const times = await migrationTimes(first);
    assert.ok(times.length > 5);
    assert.deepEqual(await migrationTimes(second), times);
  });
});

import assert from 'node:assert/strict';
import { testSockets } from './sockets.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase, type Database } from '../../src/db/connect.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, createUser, loginAs } from '../../src/testing/auth.ts';

const JWT_SECRET = 's'.repeat(48);

/** Two web instances on one PostgreSQL and one Redis: a session ended on one ends its sockets on the other. */
describe('realtime across instances: sockets follow the session (Redis adapter)', function () {
  this.timeout(120_000);
  let a: TestServer;
  let b: RunningServer;
  let bDatabase: Database;
  const sockets = testSockets();
  before(async function () {
    if (!process.env.TEST_REDIS_URL || !process.env.TEST_DATABASE_URL) this.skip();
    a = await startTestServer({ env: { JWT_SECRET }, plugins: { definitions: [] } });
    // Instance B shares A's database (A created and migrated it) and Redis.
    const c = (a.knex.client.config as { connection: { host: string; port: number; user: string; password?: string; database: string } }).connection;
    const url = `postgres://${encodeURIComponent(c.user)}${c.password ? `:${encodeURIComponent(c.password)}` : ''}@${c.host}:${c.port}/${c.database}`;
    bDatabase = await openDatabase({ databaseUrl: url });
    b = await startServer(
      loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: '/tmp/mpanel-test-data', JWT_SECRET, REDIS_URL: process.env.TEST_REDIS_URL }),
      { database: bDatabase, plugins: { definitions: [] } },
    );
  });
  after(async () => {
    sockets.closeAll();
    await b?.close(2000);
    await bDatabase?.close();
    await a?.close();
  });

  const openOnB = (token: string) => sockets.open(b.url, token);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    return check();
  };

  it('logging out through instance A disconnects the socket held by instance B; disabling the user ends the rest', async () => {
    const t = await createTenantWithAdmin(a, { slug: 'rt-cross' });
    const user = await createUser(a, t.token, ['support'], { tenant: 'rt-cross' });
    const login = await loginAs(a, user.email, user.password, 'rt-cross');
    const ended = await openOnB(login.accessToken);
    const other = await openOnB(user.token);
    assert.equal((await a.request('POST', '/api/v1/auth/logout', { body: { refreshToken: login.refreshToken } })).status, 200);
    assert.equal(await until(() => !ended.connected), true, 'the logged-out socket on B is gone');
    assert.equal(other.connected, true);
    assert.equal((await a.request('PATCH', `/api/v1/users/${user.id}`, { token: t.token, body: { status: 'disabled' } })).status, 200);
    assert.equal(await until(() => !other.connected), true);
  });
});

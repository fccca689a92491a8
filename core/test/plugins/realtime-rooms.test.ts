import assert from 'node:assert/strict';
import { testSockets } from './sockets.ts';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { TEST_ADMIN, createUser, loginAs } from '../../src/testing/auth.ts';

/** One instance, no Redis: the handshake and the rooms a socket joins. */
describe('realtime: who may connect and which rooms they join', () => {
  let server: TestServer;
  const sockets = testSockets();
  before(async () => {
    server = await startTestServer({ plugins: { definitions: [] } });
  });
  after(async () => {
    sockets.closeAll();
    await server?.close();
  });

  const open = (token: string) => sockets.open(server.url, token);
  const hub = () => server.running.platform.container.cradle.realtime;

  it('refuses a token whose session has ended, like the API does', async () => {
    const session = await loginAs(server, TEST_ADMIN.email, TEST_ADMIN.password);
    (await open(session.accessToken)).disconnect();
    assert.equal((await server.request('POST', '/api/v1/auth/logout', { body: { refreshToken: session.refreshToken } })).status, 200);
    await assert.rejects(open(session.accessToken), /unauthorized/);
    await assert.rejects(open('not-a-token'), /unauthorized/);
  });

  it('a push to a permission reaches the users holding it and no one else', async () => {
    const admin = await loginAs(server, TEST_ADMIN.email, TEST_ADMIN.password);
    const me = await server.request('GET', '/api/v1/auth/me', { token: admin.accessToken });
    const tenantId = me.body.data.tenant.id as string;
    const support = await createUser(server, admin.accessToken, ['support']);
    const got = { admin: [] as unknown[], support: [] as unknown[] };
    (await open(admin.accessToken)).on('staff:ping', (p: unknown) => got.admin.push(p));
    (await open(support.token)).on('staff:ping', (p: unknown) => got.support.push(p));
    hub().emit(`perm:${tenantId}:roles.manage`, 'staff:ping', { n: 1 });
    for (let i = 0; i < 100 && !got.admin.length; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got, { admin: [{ n: 1 }], support: [] });
  });
});

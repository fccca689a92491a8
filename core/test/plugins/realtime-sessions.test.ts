import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { testSockets } from './sockets.ts';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createClientAccount, createTenantWithAdmin, createUser, loginAs, superAdminToken, type TenantWithAdmin } from '../../src/testing/auth.ts';

/** Sockets follow the session: logout, a disabled user, changed roles and an ended "log in as" act at once. */
describe('realtime: rooms follow the session', () => {
  let server: TestServer;
  let t: TenantWithAdmin;
  const sockets = testSockets();
  before(async () => {
    server = await startTestServer();
    t = await createTenantWithAdmin(server, { slug: 'rt-sessions' });
  });
  after(async () => {
    sockets.closeAll();
    await server?.close();
  });

  const open = (token: string) => sockets.open(server.url, token);
  const hub = () => server.running.platform.container.cradle.realtime;
  /** Waits briefly for the server's disconnect to arrive; the HTTP answer came after it was sent. */
  const settle = () => new Promise((r) => setTimeout(r, 150));
  /** Whether a push to `room` reaches `socket`. */
  async function reaches(socket: Socket, room: string): Promise<boolean> {
    const event = `probe:${Math.random()}`;
    let got = false;
    socket.on(event, () => (got = true));
    hub().emit(room, event, {});
    await settle();
    return got;
  }

  it('logging out disconnects the sockets of that login, not the user\'s other logins', async () => {
    const user = await createUser(server, t.token, ['support'], { tenant: 'rt-sessions' });
    const login = await loginAs(server, user.email, user.password, 'rt-sessions');
    const socket = await open(login.accessToken);
    const other = await open(user.token);
    assert.equal((await server.request('POST', '/api/v1/auth/logout', { body: { refreshToken: login.refreshToken } })).status, 200);
    await settle();
    assert.equal(socket.connected, false, 'the logged-out socket is gone');
    assert.equal(other.connected, true);
  });

  it('disabling a user disconnects every socket of the user', async () => {
    const user = await createUser(server, t.token, ['support'], { tenant: 'rt-sessions' });
    const socket = await open(user.token);
    assert.equal((await server.request('PATCH', `/api/v1/users/${user.id}`, { token: t.token, body: { status: 'disabled' } })).status, 200);
    await settle();
    assert.equal(socket.connected, false);
  });

  it('suspending a tenant disconnects the sockets of its users', async () => {
    const other = await createTenantWithAdmin(server, { slug: 'rt-suspended' });
    const socket = await open(other.token);
    assert.equal((await server.request('PATCH', `/api/v1/tenants/${other.tenant.id}`, { token: await superAdminToken(server), body: { status: 'suspended' } })).status, 200);
    await settle();
    assert.equal(socket.connected, false);
  });

  it('changing a user\'s roles re-joins its permission rooms at once', async () => {
    const user = await createUser(server, t.token, ['support'], { tenant: 'rt-sessions' });
    const socket = await open(user.token);
    const staffRoom = `perm:${t.tenant.id}:users.create`;
    assert.equal(await reaches(socket, staffRoom), false);
    hub().join(user.id, 'room:chat');
    await settle();
    assert.equal((await server.request('PATCH', `/api/v1/users/${user.id}`, { token: t.token, body: { roles: ['admin'] } })).status, 200);
    assert.equal(await reaches(socket, staffRoom), true, 'promoted: joined');
    assert.equal((await server.request('PATCH', `/api/v1/users/${user.id}`, { token: t.token, body: { roles: ['support'] } })).status, 200);
    assert.equal(await reaches(socket, staffRoom), false, 'demoted: left');
    assert.equal(socket.connected, true);
    assert.equal(await reaches(socket, `user:${user.id}`), true, 'its own rooms stay');
    assert.equal(await reaches(socket, 'room:chat'), true, 'and so does a custom room a plugin joined it to');
  });

  it('ending a "log in as" session disconnects its sockets; disabling the staff user ends the others', async () => {
    const client = await createUser(server, t.token, ['client'], { tenant: 'rt-sessions', clientId: await createClientAccount(server, t.token) });
    const own = await open(client.token);
    const staff = await createUser(server, t.token, ['admin'], { tenant: 'rt-sessions' });
    const impersonate = async () => {
      const res = await server.request('POST', `/api/v1/users/${client.id}/impersonate`, { token: staff.token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data.accessToken as string;
    };
    const first = await impersonate();
    const asClient = await open(first);
    assert.equal((await server.request('DELETE', '/api/v1/auth/impersonation', { token: first })).status, 200);
    await settle();
    assert.equal(asClient.connected, false, 'the ended "log in as" socket is gone');
    assert.equal(own.connected, true, "the client's own socket stays");

    const second = await open(await impersonate());
    assert.equal((await server.request('PATCH', `/api/v1/users/${staff.id}`, { token: t.token, body: { status: 'disabled' } })).status, 200);
    await settle();
    assert.equal(second.connected, false, "a disabled staff user's \"log in as\" sockets are gone");
    assert.equal(own.connected, true);
  });
});

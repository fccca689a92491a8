import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { loginAs, TEST_ADMIN } from '../../src/testing/auth.ts';

const JWT_SECRET = 'r'.repeat(48);

describe('realtime across instances (Redis adapter)', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  const sockets: Socket[] = [];
  before(async function () {
    if (!process.env.TEST_REDIS_URL) this.skip();
    a = await startTestServer({ env: { JWT_SECRET }, plugins: { definitions: [] } });
    b = await startTestServer({ env: { JWT_SECRET }, plugins: { definitions: [] } });
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await a?.close();
    await b?.close();
  });

  const open = (url: string, options: { token?: string; origin?: string }) => {
    const socket = connect(url, { auth: options.token ? { token: options.token } : {}, transports: ['websocket'], extraHeaders: options.origin ? { origin: options.origin } : {}, reconnection: false });
    sockets.push(socket);
    return socket;
  };

  it('delivers an emit on one instance to a client connected to the other', async () => {
    const session = await loginAs(b, TEST_ADMIN.email, TEST_ADMIN.password);
    const me = await b.request('GET', '/api/v1/auth/me', { token: session.accessToken });
    const tenantId = me.body.data.tenant.id as string;
    const socket = open(b.url, { token: session.accessToken });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    const got = new Promise<unknown>((resolve) => socket.on('billing:invoice-paid', resolve));
    // The adapter needs a moment to subscribe to the room on Redis; emit until it arrives.
    const timer = setInterval(() => a.running.platform.container.cradle.realtime.emit(`tenant:${tenantId}`, 'billing:invoice-paid', { invoice: 'INV-1' }), 100);
    try {
      assert.deepEqual(await got, { invoice: 'INV-1' });
    } finally {
      clearInterval(timer);
    }
  });

  it('refuses a handshake without a valid token or from a foreign origin', async () => {
    const noToken = open(b.url, {});
    const err = await new Promise<Error>((resolve) => noToken.on('connect_error', resolve));
    assert.equal(err.message, 'unauthorized');
    const session = await loginAs(b, TEST_ADMIN.email, TEST_ADMIN.password);
    const foreign = open(b.url, { token: session.accessToken, origin: 'https://evil.example' });
    await new Promise<Error>((resolve) => foreign.on('connect_error', resolve));
    assert.equal(foreign.connected, false);
  });
});

import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { TEST_ADMIN, createUser, loginAs, superAdminToken } from '../../src/testing/auth.ts';

/** The claims a real access token carries, to forge variants of it. */
function claimsOf(token: string): jwt.JwtPayload {
  return jwt.decode(token) as jwt.JwtPayload;
}

describe('identity: token attacks and brute force', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await superAdminToken(server);
  });
  after(() => server?.close());

  const me = (t: string) => server.request('GET', '/api/v1/auth/me', { token: t });

  it('accepts the real token', async () => {
    assert.equal((await me(token)).status, 200);
  });

  it('refuses alg none, another key, an expired token, a wrong audience and a missing token', async () => {
    const { iat: _iat, ...claims } = claimsOf(token);
    const none = jwt.sign(claims, '', { algorithm: 'none' });
    assert.equal((await me(none)).status, 401);
    const otherKey = jwt.sign(claims, 'another-secret-that-is-long-enough-to-sign', { algorithm: 'HS256' });
    assert.equal((await me(otherKey)).status, 401);
    const secret = server.running.platform.config.jwtSecret;
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, secret, { algorithm: 'HS256' });
    assert.equal((await me(expired)).status, 401);
    const wrongAudience = jwt.sign({ ...claims, aud: 'elsewhere' }, secret, { algorithm: 'HS256' });
    assert.equal((await me(wrongAudience)).status, 401);
    const wrongType = jwt.sign({ ...claims, typ: 'refresh' }, secret, { algorithm: 'HS256' });
    assert.equal((await me(wrongType)).status, 401);
    // Same key, but a tenant the session does not belong to.
    const otherTenant = jwt.sign({ ...claims, tid: '00000000-0000-4000-8000-000000000000' }, secret, { algorithm: 'HS256' });
    assert.equal((await me(otherTenant)).status, 401);
    assert.equal((await server.request('GET', '/api/v1/auth/me')).status, 401);
    assert.equal((await me('mpk_aaaaaaaaaaaa_' + 'a'.repeat(43))).status, 401);
  });

  it('refuses the token of a disabled user at once', async () => {
    const user = await createUser(server, token, ['support']);
    assert.equal((await me(user.token)).status, 200);
    await server.request('PATCH', `/api/v1/users/${user.id}`, { token, body: { status: 'disabled' } });
    assert.equal((await me(user.token)).status, 401);
  });

  it('locks an account after repeated failures; the right password is refused during the lock', async () => {
    const user = await createUser(server, token, ['support']);
    const attempt = (password: string) => server.request('POST', '/api/v1/auth/login', { body: { email: user.email, password } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt('wrong-password-' + i)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const right = await attempt(user.password);
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers.get('retry-after')) > 0);
    assert.ok(await server.knex('audit_logs').where({ action: 'auth.lockout', target_id: user.id }).first());
    // Unknown emails are throttled the same way, so a lock reveals nothing.
    const ghost: number[] = [];
    for (let i = 0; i < 6; i++) ghost.push((await server.request('POST', '/api/v1/auth/login', { body: { email: 'ghost@example.test', password: 'wrong-password' } })).status);
    assert.deepEqual(ghost, [401, 401, 401, 401, 401, 429]);
  });

  it('throttles a client IP that fails too often, whatever the account', async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) {
      last = (await server.request('POST', '/api/v1/auth/login', { body: { email: `spray-${i}@example.test`, password: 'wrong-password' } })).status;
    }
    assert.equal(last, 429);
    // Even the super admin's right password from that IP waits.
    const blocked = await server.request('POST', '/api/v1/auth/login', { body: TEST_ADMIN });
    assert.equal(blocked.status, 429);
    assert.ok(blocked.headers.get('retry-after'));
  });

  it('still lets the admin in from a fresh server (the limit is per IP, not global)', async () => {
    const fresh = await startTestServer();
    try {
      await loginAs(fresh, TEST_ADMIN.email, TEST_ADMIN.password);
    } finally {
      await fresh.close();
    }
  });
});

import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { TEST_ADMIN, loginAs } from '../../src/testing/auth.ts';

describe('identity: login, refresh, logout, me', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.close());

  it('seeds the default tenant and the super admin on first start', async () => {
    const tenant = await server.knex('tenants').where({ slug: 'default' }).first();
    assert.ok(tenant);
    const session = await loginAs(server, TEST_ADMIN.email, TEST_ADMIN.password);
    const me = await server.request('GET', '/api/v1/auth/me', { token: session.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.user.email, TEST_ADMIN.email);
    assert.equal(me.body.data.tenant.slug, 'default');
    assert.deepEqual(me.body.data.roles, ['super_admin']);
    assert.ok(me.body.data.permissions.includes('tenants.manage-all'));
    assert.ok(me.body.data.permissions.includes('users.create'));
  });

  it('answers one message for an unknown email and a wrong password', async () => {
    const unknown = await server.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.test', password: 'whatever-password' } });
    const wrong = await server.request('POST', '/api/v1/auth/login', { body: { email: TEST_ADMIN.email, password: 'wrong-password-here' } });
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown.body, wrong.body);
  });

  it('rotates refresh tokens; reusing one revokes the whole login', async () => {
    const first = await loginAs(server, TEST_ADMIN.email, TEST_ADMIN.password);
    const second = await server.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.data.refreshToken, first.refreshToken);
    const meWithNew = await server.request('GET', '/api/v1/auth/me', { token: second.body.data.accessToken });
    assert.equal(meWithNew.status, 200);

    const reuse = await server.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(reuse.status, 401);
    // The whole family is gone: the newest refresh token and its access token too.
    const third = await server.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.body.data.refreshToken } });
    assert.equal(third.status, 401);
    const me = await server.request('GET', '/api/v1/auth/me', { token: second.body.data.accessToken });
    assert.equal(me.status, 401);
    const audit = await server.knex('audit_logs').where({ action: 'auth.refresh_reuse' });
    assert.equal(audit.length, 1);
  });

  it('logout ends the login at once', async () => {
    const session = await loginAs(server, TEST_ADMIN.email, TEST_ADMIN.password);
    const out = await server.request('POST', '/api/v1/auth/logout', { body: { refreshToken: session.refreshToken } });
    assert.equal(out.status, 200);
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: session.accessToken })).status, 401);
    assert.equal((await server.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status, 401);
  });

  it('writes login success and failure to the audit log with IP and request id', async () => {
    await server.request('POST', '/api/v1/auth/login', { body: { email: TEST_ADMIN.email, password: 'not-the-password' }, headers: { 'x-request-id': 'req-audit-1' } });
    const row = await server.knex('audit_logs').where({ action: 'auth.login_failed', request_id: 'req-audit-1' }).first();
    assert.ok(row);
    assert.equal(row.actor_email, TEST_ADMIN.email);
    assert.ok(row.ip);
    assert.ok(await server.knex('audit_logs').where({ action: 'auth.login' }).first());
  });
});

import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { TEST_PASSWORD, createTenantWithAdmin, createUser, loginAs } from '../../src/testing/auth.ts';
import { currentTotp } from '../../src/identity/two-factor/totp.ts';

/** Two-factor ends password-only sessions, API keys answer to the 2FA rule, resets need a stronger role. */
describe('identity: two-factor, API keys and credential resets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.close());

  const get = (path: string, token: string) => server.request('GET', path, { token });
  const post = (path: string, token: string, body?: unknown) => server.request('POST', path, { token, ...(body === undefined ? {} : { body }) });
  async function enableTwoFactor(token: string): Promise<string> {
    const enrol = await post('/api/v1/auth/2fa/enroll', token);
    assert.equal(enrol.status, 200, JSON.stringify(enrol.body));
    const confirm = await post('/api/v1/auth/2fa/confirm', token, { code: currentTotp(enrol.body.data.secret) });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    return enrol.body.data.secret as string;
  }
  async function apiKey(token: string, permissions = ['users.read']): Promise<{ id: string; key: string }> {
    const res = await post('/api/v1/api-keys', token, { name: 'ci', permissions });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data;
  }

  it('turning two-factor on ends the other sessions of the user, not the one that turned it on', async () => {
    const t = await createTenantWithAdmin(server, { slug: 'tfa-sessions' });
    const other = await loginAs(server, t.admin.email, t.admin.password, 'tfa-sessions');
    assert.equal((await get('/api/v1/auth/me', other.accessToken)).status, 200);
    await enableTwoFactor(t.token);
    assert.equal((await get('/api/v1/auth/me', other.accessToken)).status, 401, 'the password-only session ended');
    assert.equal((await server.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: other.refreshToken } })).status, 401);
    assert.equal((await get('/api/v1/auth/me', t.token)).status, 200, 'the enrolling session goes on');
    const revoked = await server.knex('sessions').where({ user_id: t.admin.id }).whereNotNull('revoked_at').pluck('revoked_reason');
    assert.deepEqual(revoked, ['two-factor enabled']);
  });

  it("an API key stops working when its tenant requires staff two-factor and its creator has none", async () => {
    const t = await createTenantWithAdmin(server, { slug: 'tfa-keys-later' });
    const { key } = await apiKey(t.token);
    assert.equal((await get('/api/v1/users', key)).status, 200);
    const strict = await server.request('PATCH', `/api/v1/tenants/${t.tenant.id}`, { token: t.token, body: { settings: { requireTwoFactorForStaff: true } } });
    assert.equal(strict.status, 200);
    assert.equal((await get('/api/v1/users', key)).status, 403, 'the key of a creator without two-factor is refused');
    await enableTwoFactor(t.token);
    assert.equal((await get('/api/v1/users', key)).status, 200, 'once the creator enrolled, the key works again');
    // Turning two-factor off where staff must use it is losing access: the key is revoked, not just idle.
    assert.equal((await post('/api/v1/auth/2fa/disable', t.token, { password: t.admin.password })).status, 200);
    await enableTwoFactor(t.token);
    assert.equal((await get('/api/v1/users', key)).status, 401);
  });

  it('a key is revoked when its owner loses access: two-factor reset, user disabled', async () => {
    const t = await createTenantWithAdmin(server, { slug: 'tfa-keys' });
    await server.request('PATCH', `/api/v1/tenants/${t.tenant.id}`, { token: t.token, body: { settings: { requireTwoFactorForStaff: true } } });
    await enableTwoFactor(t.token);
    const manager = await createUser(server, t.token, ['manager'], { tenant: 'tfa-keys' });
    assert.equal((await post('/api/v1/api-keys', manager.token, { name: 'x', permissions: ['users.read'] })).status, 403, 'no key before two-factor');
    await enableTwoFactor(manager.token);
    const first = await apiKey(manager.token);
    assert.equal((await get('/api/v1/users', first.key)).status, 200);
    assert.equal((await post(`/api/v1/users/${manager.id}/2fa/reset`, t.token)).status, 200);
    assert.equal((await get('/api/v1/users', first.key)).status, 401, 'revoked with the reset');
    assert.ok((await server.knex('api_keys').where({ id: first.id }).first()).revoked_at);

    const secondLogin = await loginAs(server, manager.email, manager.password, 'tfa-keys');
    await enableTwoFactor(secondLogin.accessToken);
    const second = await apiKey(secondLogin.accessToken);
    assert.equal((await server.request('PATCH', `/api/v1/users/${manager.id}`, { token: t.token, body: { status: 'disabled' } })).status, 200);
    assert.ok((await server.knex('api_keys').where({ id: second.id }).first()).revoked_at, 'revoked with the user disabled');
    assert.equal((await server.request('PATCH', `/api/v1/users/${manager.id}`, { token: t.token, body: { status: 'active' } })).status, 200);
    assert.equal((await get('/api/v1/users', second.key)).status, 401, 'and stays revoked when the user comes back');
  });

  it("resetting a password or two-factor needs a stronger role: not a manager's for a manager, not an admin's for an admin", async () => {
    const t = await createTenantWithAdmin(server, { slug: 'resets' });
    const admin2 = await createUser(server, t.token, ['admin'], { tenant: 'resets' });
    const manager1 = await createUser(server, t.token, ['manager'], { tenant: 'resets' });
    const manager2 = await createUser(server, t.token, ['manager'], { tenant: 'resets' });
    const support = await createUser(server, t.token, ['support'], { tenant: 'resets' });
    const reset = (token: string, id: string) => post(`/api/v1/users/${id}/2fa/reset`, token);
    const password = (token: string, id: string) => server.request('PATCH', `/api/v1/users/${id}`, { token, body: { password: 'another-long-test-passphrase' } });

    for (const [actor, target] of [[manager1, manager2], [admin2, { id: t.admin.id }]] as const) {
      const tfa = await reset(actor.token, target.id);
      assert.equal(tfa.status, 403, JSON.stringify(tfa.body));
      assert.equal((await password(actor.token, target.id)).status, 403);
    }
    assert.equal((await loginAs(server, manager2.email, TEST_PASSWORD, 'resets')).user.id, manager2.id, 'the password did not change');
    assert.equal((await password(manager1.token, support.id)).status, 200, 'a stronger role resets a weaker one');
    assert.equal((await reset(manager1.token, support.id)).status, 200);
    assert.equal((await reset(t.token, manager2.id)).status, 200);
    assert.equal((await password(t.token, admin2.id)).status, 403, 'an admin cannot take over another admin');
  });
});

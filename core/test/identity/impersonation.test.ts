import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createClientAccount, createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../src/testing/auth.ts';

describe('identity: log in as client (POST /api/v1/users/:id/impersonate)', () => {
  let server: TestServer;
  let acme: TenantWithAdmin;
  let other: TenantWithAdmin;
  let client: Awaited<ReturnType<typeof createUser>>;
  const impersonate = (token: string, id: string) => server.request('POST', `/api/v1/users/${id}/impersonate`, { token });
  before(async () => {
    server = await startTestServer();
    acme = await createTenantWithAdmin(server, { slug: 'acme-imp' });
    other = await createTenantWithAdmin(server, { slug: 'other-imp' });
    client = await createUser(server, acme.token, ['client'], { tenant: 'acme-imp', clientId: await createClientAccount(server, acme.token) });
  });
  after(() => server?.close());

  it('gives staff a short-lived, marked access token for a client of its tenant, with no refresh, audited', async () => {
    const res = await impersonate(acme.token, client.id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const data = res.body.data;
    assert.equal(data.user.id, client.id);
    assert.deepEqual(data.impersonatedBy, { id: acme.admin.id, email: acme.admin.email });
    assert.equal(data.refreshToken, undefined);
    assert.ok(data.expiresIn > 0 && data.expiresIn <= 15 * 60);
    const claims = jwt.decode(data.accessToken) as jwt.JwtPayload;
    assert.equal(claims.sub, client.id);
    assert.equal(claims.imp, acme.admin.id);

    const me = await server.request('GET', '/api/v1/auth/me', { token: data.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.user.id, client.id);
    assert.deepEqual(me.body.data.roles, ['client']);
    assert.deepEqual(me.body.data.impersonatedBy, { id: acme.admin.id, email: acme.admin.email });
    const own = await server.request('GET', '/api/v1/auth/me', { token: client.token });
    assert.equal(own.body.data.impersonatedBy, null);

    const session = await server.knex('sessions').where({ id: claims.sid }).first();
    assert.equal(session.user_id, client.id);
    assert.equal(session.impersonated_by, acme.admin.id);
    assert.equal((await server.knex('refresh_tokens').where({ family_id: claims.sid })).length, 0, 'no refresh token exists');

    const audit = await server.knex('audit_logs').where({ action: 'user.impersonate', target_id: client.id });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_id, acme.admin.id);
    assert.equal(audit[0].tenant_id, acme.tenant.id);

    // What is done in the session says who really did it.
    const enrol = await server.request('POST', '/api/v1/auth/2fa/enroll', { token: data.accessToken });
    assert.equal(enrol.status, 200);
    const entry = await server.knex('audit_logs').where({ action: 'auth.2fa_enroll_started', target_id: client.id }).first();
    assert.equal(entry.metadata.impersonatedBy, acme.admin.id);
  });

  it('never for staff (403), another tenant\'s user or an unknown id (404), nor without the permission (403)', async () => {
    const support = await createUser(server, acme.token, ['support'], { tenant: 'acme-imp' });
    assert.equal((await impersonate(acme.token, support.id)).status, 403);
    assert.equal((await impersonate(acme.token, acme.admin.id)).status, 403);
    const foreign = await createUser(server, other.token, ['client'], { tenant: 'other-imp', clientId: await createClientAccount(server, other.token) });
    assert.equal((await impersonate(acme.token, foreign.id)).status, 404);
    assert.equal((await impersonate(acme.token, '00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await impersonate(support.token, client.id)).status, 403);
    assert.equal((await impersonate(client.token, client.id)).status, 403);
    const opened = await server.knex('sessions').whereNotNull('impersonated_by').whereIn('user_id', [support.id, acme.admin.id, foreign.id]);
    assert.equal(opened.length, 0);
  });

  it('ends at once with DELETE /api/v1/auth/impersonation ("End session"), leaving the other sessions alone, audited', async () => {
    const res = await impersonate(acme.token, client.id);
    const token = res.body.data.accessToken as string;
    // Only a "log in as client" session ends this way: the others log out with their refresh token.
    assert.equal((await server.request('DELETE', '/api/v1/auth/impersonation', { token: client.token })).status, 403);
    assert.equal((await server.request('DELETE', '/api/v1/auth/impersonation', { token: acme.token })).status, 403);
    const ended = await server.request('DELETE', '/api/v1/auth/impersonation', { token });
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token })).status, 401);
    assert.equal((await server.request('DELETE', '/api/v1/auth/impersonation', { token })).status, 401);
    const sid = (jwt.decode(token) as jwt.JwtPayload).sid as string;
    const session = await server.knex('sessions').where({ id: sid }).first();
    assert.ok(session.revoked_at);
    assert.equal(session.revoked_reason, 'impersonation ended');
    const audit = await server.knex('audit_logs').where({ action: 'auth.impersonation_ended', target_id: sid }).first();
    assert.equal(audit.actor_id, client.id);
    assert.equal(audit.metadata.impersonatedBy, acme.admin.id);
    // The staff member's and the client's own sessions carry on.
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: acme.token })).status, 200);
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: client.token })).status, 200);
  });

  it('ends when the staff user who opened it is disabled', async () => {
    const second = await createUser(server, acme.token, ['admin'], { tenant: 'acme-imp' });
    const res = await impersonate(second.token, client.id);
    assert.equal(res.status, 200);
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: res.body.data.accessToken })).status, 200);
    const disabled = await server.request('PATCH', `/api/v1/users/${second.id}`, { token: acme.token, body: { status: 'disabled' } });
    assert.equal(disabled.status, 200);
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: res.body.data.accessToken })).status, 401);
    // The client's own login is untouched.
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: client.token })).status, 200);
  });
});

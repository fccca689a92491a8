import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { TEST_PASSWORD, createTenantWithAdmin, loginAs, superAdminToken, type TenantWithAdmin } from '../../src/testing/auth.ts';

/**
 * `tenants.manage-all` is platform power: it works only for principals of the root tenant
 * (`default`, no parent). Somebody of another tenant holding it through a custom role gets nothing.
 */
describe('identity: tenants.manage-all outside the platform tenant', () => {
  let server: TestServer;
  let root: string;
  let rootTenantId: string;
  let acme: TenantWithAdmin;
  let other: TenantWithAdmin;
  let holder: string;
  before(async () => {
    server = await startTestServer();
    root = await superAdminToken(server);
    rootTenantId = (await server.knex('tenants').where({ slug: 'default' }).first()).id;
    acme = await createTenantWithAdmin(server, { slug: 'acme-power', isReseller: true });
    other = await createTenantWithAdmin(server, { slug: 'other-power' });
    // Only the platform can give it out: the super admin, acting on acme, makes a custom role with it.
    const asAcme = { token: root, headers: { 'x-tenant-id': acme.tenant.id } };
    const role = await server.request('POST', '/api/v1/roles', { ...asAcme, body: { name: 'platform-ish', level: 2, permissions: ['tenants.manage-all', 'tenants.read', 'tenants.create', 'tenants.update', 'users.read'] } });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const user = await server.request('POST', '/api/v1/users', { ...asAcme, body: { email: 'holder@acme-power.test', password: TEST_PASSWORD, roles: ['platform-ish'] } });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    assert.ok(await server.knex('role_permissions').where({ role_id: role.body.data.id, permission: 'tenants.manage-all' }).first(), 'the role holds it');
    holder = (await loginAs(server, 'holder@acme-power.test', TEST_PASSWORD, 'acme-power')).accessToken;
  });
  after(() => server?.close());

  it('is not among the effective permissions of a principal of another tenant', async () => {
    const me = await server.request('GET', '/api/v1/auth/me', { token: holder });
    assert.equal(me.status, 200);
    assert.ok(!me.body.data.permissions.includes('tenants.manage-all'));
    assert.ok(me.body.data.permissions.includes('tenants.read'), 'the rest of the role still works');
    const rootMe = await server.request('GET', '/api/v1/auth/me', { token: root });
    assert.ok(rootMe.body.data.permissions.includes('tenants.manage-all'), 'the platform super admin keeps it');
  });

  it('does not let it act on or see other tenants', async () => {
    const actAs = await server.request('GET', '/api/v1/users', { token: holder, headers: { 'x-tenant-id': other.tenant.id } });
    assert.equal(actAs.status, 403);
    const list = await server.request('GET', '/api/v1/tenants', { token: holder });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((t: { id: string }) => t.id), [], 'no tenant but its own sub-tenants (none)');
    for (const id of [other.tenant.id, rootTenantId]) {
      assert.equal((await server.request('GET', `/api/v1/tenants/${id}`, { token: holder })).status, 404);
      assert.equal((await server.request('PATCH', `/api/v1/tenants/${id}`, { token: holder, body: { name: 'taken over' } })).status, 404);
    }
    assert.equal((await server.knex('tenants').where({ id: other.tenant.id }).first()).name, 'other-power');
    assert.equal((await server.knex('audit_logs').where({ action: 'tenant.act_as', actor_email: 'holder@acme-power.test' })).length, 0);
  });

  it('does not let it make reseller tenants (platform only)', async () => {
    const res = await server.request('POST', '/api/v1/tenants', { token: holder, body: { name: 'x', slug: 'x-power', isReseller: true, admin: { email: 'a@x-power.test', password: TEST_PASSWORD } } });
    assert.equal(res.status, 403);
    assert.match(JSON.stringify(res.body), /Only the platform can create reseller tenants/);
    assert.equal(await server.knex('tenants').where({ slug: 'x-power' }).first(), undefined);
  });
});

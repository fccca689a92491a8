import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { TEST_PASSWORD, createTenantWithAdmin, createUser, loginAs, superAdminToken, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { currentTotp } from '../../src/identity/two-factor/totp.ts';
import { fakeDomainProofs } from '../../src/testing/domain-proofs.ts';

describe('identity routes: tenants, users, roles, API keys, audit, two-factor', () => {
  let server: TestServer;
  let root: string;
  let acme: TenantWithAdmin;
  before(async () => {
    server = await startTestServer();
    root = await superAdminToken(server);
    acme = await createTenantWithAdmin(server, { slug: 'acme' });
  });
  after(() => server?.close());

  it('creates a tenant with its first admin; the admin sees only its own tenant data', async () => {
    assert.equal(acme.tenant.slug, 'acme');
    const me = await server.request('GET', '/api/v1/auth/me', { token: acme.token });
    assert.equal(me.body.data.tenant.id, acme.tenant.id);
    assert.deepEqual(me.body.data.roles, ['admin']);
    assert.ok(!me.body.data.permissions.includes('tenants.manage-all'));
    const users = await server.request('GET', '/api/v1/users', { token: acme.token });
    assert.equal(users.status, 200);
    assert.deepEqual(users.body.data.map((u: { email: string }) => u.email), [acme.admin.email]);
    assert.deepEqual(users.body.meta, { total: 1, page: 1, perPage: 20 });
  });

  it('refuses weak passwords and duplicate emails', async () => {
    const common = await server.request('POST', '/api/v1/users', { token: acme.token, body: { email: 'x@acme.test', password: 'password123', roles: ['support'] } });
    assert.equal(common.status, 400);
    assert.equal(common.body.details.password, 'is too common');
    const short = await server.request('POST', '/api/v1/users', { token: acme.token, body: { email: 'x@acme.test', password: 'short', roles: ['support'] } });
    assert.equal(short.status, 400);
    const dup = await server.request('POST', '/api/v1/users', { token: acme.token, body: { email: acme.admin.email.toUpperCase(), password: TEST_PASSWORD, roles: ['support'] } });
    assert.equal(dup.status, 409);
  });

  it('nobody grants a role above their own level or a permission they lack', async () => {
    const manager = await createUser(server, acme.token, ['manager'], { tenant: 'acme' });
    const up = await server.request('POST', '/api/v1/users', { token: manager.token, body: { email: 'boss@acme.test', password: TEST_PASSWORD, roles: ['admin'] } });
    assert.equal(up.status, 403);
    const superUp = await server.request('POST', '/api/v1/users', { token: acme.token, body: { email: 'boss@acme.test', password: TEST_PASSWORD, roles: ['super_admin'] } });
    assert.equal(superUp.status, 403);
    const role = await server.request('POST', '/api/v1/roles', { token: manager.token, body: { name: 'sneaky', level: 2, permissions: ['audit-logs.read'] } });
    assert.equal(role.status, 403); // manager lacks roles.manage
    const custom = await server.request('POST', '/api/v1/roles', { token: acme.token, body: { name: 'auditor', level: 3, permissions: ['audit-logs.read', 'users.read'] } });
    assert.equal(custom.status, 201);
    const tooMuch = await server.request('POST', '/api/v1/roles', { token: acme.token, body: { name: 'platform', level: 2, permissions: ['tenants.manage-all'] } });
    assert.equal(tooMuch.status, 403);
    const auditor = await createUser(server, acme.token, ['auditor'], { tenant: 'acme' });
    const me = await server.request('GET', '/api/v1/auth/me', { token: auditor.token });
    assert.deepEqual(me.body.data.permissions, ['account.manage', 'audit-logs.read', 'users.read']);
    // Changing the custom role takes effect on the next request.
    await server.request('PATCH', `/api/v1/roles/${custom.body.data.id}`, { token: acme.token, body: { permissions: ['users.read'] } });
    assert.equal((await server.request('GET', '/api/v1/audit-logs', { token: auditor.token })).status, 403);
    const matrix = await server.request('GET', '/api/v1/roles', { token: acme.token });
    assert.equal(matrix.body.data.find((r: { name: string }) => r.name === 'auditor').permissions.length, 1);
    assert.ok(matrix.body.data.some((r: { name: string; level: number }) => r.name === 'client' && r.level === 7));
  });

  it('disabling a user or changing their password ends their sessions at once', async () => {
    const support = await createUser(server, acme.token, ['support'], { tenant: 'acme' });
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: support.token })).status, 200);
    const off = await server.request('PATCH', `/api/v1/users/${support.id}`, { token: acme.token, body: { status: 'disabled' } });
    assert.equal(off.status, 200);
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: support.token })).status, 401);
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { email: support.email, password: support.password, tenant: 'acme' } })).status, 401);

    const tech = await createUser(server, acme.token, ['technician'], { tenant: 'acme' });
    const change = await server.request('POST', '/api/v1/auth/password', { token: tech.token, body: { currentPassword: tech.password, newPassword: 'a-brand-new-passphrase' } });
    assert.equal(change.status, 200);
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: tech.token })).status, 401);
    await loginAs(server, tech.email, 'a-brand-new-passphrase', 'acme');
  });

  it('API keys: shown once, a subset of the creator\'s permissions, revocable', async () => {
    const denied = await server.request('POST', '/api/v1/api-keys', { token: acme.token, body: { name: 'ci', permissions: ['tenants.manage-all'] } });
    assert.equal(denied.status, 403);
    const created = await server.request('POST', '/api/v1/api-keys', { token: acme.token, body: { name: 'ci', permissions: ['users.read'] } });
    assert.equal(created.status, 201);
    const key = created.body.data.key as string;
    assert.match(key, /^mpk_[a-z0-9]{12}_/);
    assert.equal((await server.request('GET', '/api/v1/users', { token: key })).status, 200);
    assert.equal((await server.request('GET', '/api/v1/roles', { token: key })).status, 403);
    const listed = await server.request('GET', '/api/v1/api-keys', { token: acme.token });
    assert.equal(listed.body.data[0].key, undefined);
    assert.equal(listed.body.data[0].keyHash, undefined);
    assert.equal((await server.request('DELETE', `/api/v1/api-keys/${created.body.data.id}`, { token: acme.token })).status, 200);
    assert.equal((await server.request('GET', '/api/v1/users', { token: key })).status, 401);
  });

  it('resellers manage their own sub-tenants only; another tenant\'s is a 404', async () => {
    const reseller = await createTenantWithAdmin(server, { slug: 'resell', isReseller: true });
    const sub = await createTenantWithAdmin(server, { slug: 'resell-sub', asToken: reseller.token });
    assert.equal((await server.request('GET', `/api/v1/tenants/${sub.tenant.id}`, { token: reseller.token })).status, 200);
    const list = await server.request('GET', '/api/v1/tenants', { token: reseller.token });
    assert.deepEqual(list.body.data.map((t: { slug: string }) => t.slug), ['resell-sub']);
    assert.equal((await server.request('GET', `/api/v1/tenants/${acme.tenant.id}`, { token: reseller.token })).status, 404);
    assert.equal((await server.request('PATCH', `/api/v1/tenants/${acme.tenant.id}`, { token: reseller.token, body: { name: 'pwned' } })).status, 404);
    // A non-reseller tenant cannot create sub-tenants.
    const plain = await server.request('POST', '/api/v1/tenants', { token: acme.token, body: { name: 'x', slug: 'x-sub', admin: { email: 'a@x.test', password: TEST_PASSWORD } } });
    assert.equal(plain.status, 403);
    const all = await server.request('GET', '/api/v1/tenants?perPage=100', { token: root });
    assert.ok(all.body.data.length >= 4);
    // The admin UI's parent picker lists resellers only (the platform tenant is one).
    const resellers = await server.request('GET', '/api/v1/tenants?isReseller=true&perPage=100', { token: root });
    assert.deepEqual(resellers.body.data.map((t: { slug: string }) => t.slug).sort(), ['default', 'resell']);
    assert.equal((await server.request('GET', '/api/v1/tenants?isReseller=maybe', { token: root })).status, 400);
  });

  it("a reseller's staff see their tenant and its sub-tenants only: not a sibling reseller's, not the parent from below", async () => {
    const r1 = await createTenantWithAdmin(server, { slug: 'staff-r1', isReseller: true });
    const r2 = await createTenantWithAdmin(server, { slug: 'staff-r2', isReseller: true });
    const sub1 = await createTenantWithAdmin(server, { slug: 'staff-r1-sub', asToken: r1.token });
    const sub2 = await createTenantWithAdmin(server, { slug: 'staff-r2-sub', asToken: r2.token });
    // Not only the admin: a staff user with the reseller role is scoped the same way; a manager
    // (no tenants.read) sees no tenants at all.
    const staff = await createUser(server, r1.token, ['reseller'], { tenant: 'staff-r1' });
    const manager = await createUser(server, r1.token, ['manager'], { tenant: 'staff-r1' });
    assert.equal((await server.request('GET', '/api/v1/tenants', { token: manager.token })).status, 403);
    for (const token of [r1.token, staff.token]) {
      const list = await server.request('GET', '/api/v1/tenants?perPage=100', { token });
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const slugs = list.body.data.map((t: { slug: string }) => t.slug) as string[];
      assert.ok(slugs.includes('staff-r1-sub'), JSON.stringify(slugs));
      assert.deepEqual(slugs.filter((s) => !['staff-r1', 'staff-r1-sub'].includes(s)), [], 'nothing else listed');
      assert.equal(list.body.meta.total, slugs.length);
      for (const other of [r2.tenant.id, sub2.tenant.id, acme.tenant.id]) {
        assert.equal((await server.request('GET', `/api/v1/tenants/${other}`, { token })).status, 404);
        assert.equal((await server.request('GET', `/api/v1/tenants/${other}/domains`, { token })).status, 404);
      }
      assert.equal((await server.request('GET', `/api/v1/tenants/${sub1.tenant.id}`, { token })).status, 200);
    }
    // The sub-tenant's admin does not see its parent reseller.
    assert.equal((await server.request('GET', `/api/v1/tenants/${r1.tenant.id}`, { token: sub1.token })).status, 404);
    const fromBelow = await server.request('GET', '/api/v1/tenants?perPage=100', { token: sub1.token });
    assert.ok(!fromBelow.body.data.some((t: { slug: string }) => t.slug === 'staff-r1'), JSON.stringify(fromBelow.body.data));
    // Nor can the reseller rename the sibling's sub-tenant.
    assert.equal((await server.request('PATCH', `/api/v1/tenants/${sub2.tenant.id}`, { token: r1.token, body: { name: 'pwned' } })).status, 404);
    assert.equal((await server.knex('tenants').where({ id: sub2.tenant.id }).first('name')).name, 'staff-r2-sub');
  });

  it('a super admin acts on another tenant only explicitly, and it is audited', async () => {
    const res = await server.request('GET', '/api/v1/users', { token: root, headers: { 'x-tenant-id': acme.tenant.id } });
    assert.equal(res.status, 200);
    assert.ok(res.body.data.some((u: { email: string }) => u.email === acme.admin.email));
    const entry = await server.knex('audit_logs').where({ action: 'tenant.act_as', tenant_id: acme.tenant.id }).first();
    assert.ok(entry);
    assert.equal((await server.request('GET', '/api/v1/users', { token: acme.token, headers: { 'x-tenant-id': (await server.knex('tenants').where({ slug: 'default' }).first()).id } })).status, 403);
  });

  it('audit log: staff writes with before/after, filters and pagination', async () => {
    const user = await createUser(server, acme.token, ['billing'], { tenant: 'acme' });
    await server.request('PATCH', `/api/v1/users/${user.id}`, { token: acme.token, body: { name: 'Bill' }, headers: { 'x-request-id': 'audit-patch-1', 'user-agent': 'audit-test' } });
    const res = await server.request('GET', `/api/v1/audit-logs?action=user.updated&targetId=${user.id}`, { token: acme.token });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 1);
    const entry = res.body.data[0];
    assert.equal(entry.actorId, acme.admin.id);
    assert.equal(entry.requestId, 'audit-patch-1');
    assert.equal(entry.userAgent, 'audit-test');
    assert.equal(entry.before.name, null);
    assert.equal(entry.after.name, 'Bill');
    const auth = await server.request('GET', '/api/v1/audit-logs?action=auth.*&perPage=2', { token: acme.token });
    assert.equal(auth.body.data.length, 2);
    assert.ok(auth.body.meta.total > 2);
    assert.ok(auth.body.data.every((e: { action: string; tenantId: string }) => e.action.startsWith('auth.') && e.tenantId === acme.tenant.id));
  });

  it('TOTP two-factor: enrol, confirm, log in with a code or a recovery code once, admin reset', async () => {
    const user = await createUser(server, acme.token, ['support'], { tenant: 'acme' });
    const enrol = await server.request('POST', '/api/v1/auth/2fa/enroll', { token: user.token });
    assert.equal(enrol.status, 200);
    assert.match(enrol.body.data.otpauthUrl, /^otpauth:\/\/totp\//);
    const confirm = await server.request('POST', '/api/v1/auth/2fa/confirm', { token: user.token, body: { code: currentTotp(enrol.body.data.secret) } });
    assert.equal(confirm.status, 200);
    const codes = confirm.body.data.recoveryCodes as string[];
    assert.equal(codes.length, 10);

    const body = { email: user.email, password: user.password, tenant: 'acme' };
    const noCode = await server.request('POST', '/api/v1/auth/login', { body });
    assert.equal(noCode.status, 401);
    assert.equal(noCode.body.details.totp, 'is required');
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { ...body, totp: '000000' } })).status, 401);
    // The confirming code is spent; the next time-step's code (within the drift window) is not.
    const confirmed = currentTotp(enrol.body.data.secret);
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { ...body, totp: confirmed } })).status, 401);
    const nextStepAt = Date.now() + 30_000;
    const next = currentTotp(enrol.body.data.secret, nextStepAt);
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { ...body, totp: next } })).status, 200);
    // Replay: the same code again, and an earlier step's, are refused although still in the window.
    const replay = await server.request('POST', '/api/v1/auth/login', { body: { ...body, totp: next } });
    assert.equal(replay.status, 401);
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { ...body, totp: confirmed } })).status, 401);
    const stored = await server.knex('users').where({ id: user.id }).first('totp_last_step');
    assert.equal(Number(stored.totp_last_step), Math.floor(nextStepAt / 30_000), 'the step of the accepted code is stored');
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { ...body, totp: codes[0] } })).status, 200);
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { ...body, totp: codes[0] } })).status, 401);

    const reset = await server.request('POST', `/api/v1/users/${user.id}/2fa/reset`, { token: acme.token });
    assert.equal(reset.status, 200);
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body })).status, 200);
    assert.ok(await server.knex('audit_logs').where({ action: 'user.2fa_reset', target_id: user.id }).first());
  });

  it('a tenant can require two-factor for staff: until enrolled only account routes work', async () => {
    const strict = await createTenantWithAdmin(server, { slug: 'strict' });
    const patch = await server.request('PATCH', `/api/v1/tenants/${strict.tenant.id}`, { token: strict.token, body: { settings: { requireTwoFactorForStaff: true } } });
    assert.equal(patch.status, 200);
    const blocked = await server.request('GET', '/api/v1/users', { token: strict.token });
    assert.equal(blocked.status, 403);
    const me = await server.request('GET', '/api/v1/auth/me', { token: strict.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.twoFactorSetupRequired, true);
    const enrol = await server.request('POST', '/api/v1/auth/2fa/enroll', { token: strict.token });
    await server.request('POST', '/api/v1/auth/2fa/confirm', { token: strict.token, body: { code: currentTotp(enrol.body.data.secret) } });
    assert.equal((await server.request('GET', '/api/v1/users', { token: strict.token })).status, 200);
  });

  it('resolves the login tenant from the Host header\'s mapped domain, once verified', async () => {
    const mapped = await server.request('PATCH', `/api/v1/tenants/${acme.tenant.id}`, { token: root, body: { domains: ['panel.acme.test'] } });
    assert.equal(mapped.status, 200);
    assert.deepEqual(mapped.body.data.domains, ['panel.acme.test']);
    // fetch() will not send another Host header; node:http will.
    const loginStatus = () => new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ email: acme.admin.email, password: acme.admin.password });
      const req = httpRequest(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { host: 'panel.acme.test', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(await loginStatus(), 401, 'a pending claim maps nothing');
    const [claim] = (await server.request('GET', `/api/v1/tenants/${acme.tenant.id}/domains`, { token: root })).body.data;
    fakeDomainProofs(server).txt.set(claim.verification.dns.name, [claim.verification.dns.value]);
    assert.equal((await server.request('POST', `/api/v1/tenants/${acme.tenant.id}/domains/${claim.id}/verify`, { token: root, body: {} })).status, 200);
    assert.equal(await loginStatus(), 200);
    const noHost = await server.request('POST', '/api/v1/auth/login', { body: { email: acme.admin.email, password: acme.admin.password } });
    assert.equal(noHost.status, 401); // default tenant has no such user
  });
});

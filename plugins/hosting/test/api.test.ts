import assert from 'node:assert/strict';
import { createTenantDb } from '@mpanel/sdk';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import { withTenant } from '../../../core/src/tenancy/with-tenant.ts';
import { requestOperation } from '../src/operations/request.ts';
import { WALKED_KEY } from './resource-fixtures.ts';
import { startHostingServer, type TestServer } from './support/server.ts';
import { LIMITS, must, seedGroup, seedService } from './support/seed.ts';

describe('hosting API', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  /** The plugin-secrets box of core, to prove what is stored is sealed and bound to its server. */
  const open = (sealed: string, tenantId: string, field: string) => server.running.platform.container.cradle.pluginSettings.box.open(sealed, { tenantId, field: `hosting.sealed:${field}` });

  before(async () => {
    ({ server, close } = await startHostingServer());
    a = await createTenantWithAdmin(server, { slug: 'host-a' });
    b = await createTenantWithAdmin(server, { slug: 'host-b' });
  });
  after(() => close?.());

  describe('servers and groups', () => {
    it('keeps credentials write-only and sealed for that server', async () => {
      const { group } = await seedGroup(server, a.token, 'fill', []);
      const s = await must(server, a.token, 'POST', '/api/v1/servers', { name: 'web1', hostname: 'web1.host-a.test', groupId: group.id, credentials: { password: 'super-secret-pw' } });
      assert.equal(s.hasCredentials, true);
      assert.equal('credentials' in s, false);
      assert.doesNotMatch(JSON.stringify(await must(server, a.token, 'GET', `/api/v1/servers/${s.id}`)), /super-secret/);
      const row = await server.knex('servers').where({ id: s.id }).first();
      assert.doesNotMatch(row.credentials, /super-secret/);
      assert.deepEqual(JSON.parse(open(row.credentials, a.tenant.id, `servers.credentials:${s.id}`)), { password: 'super-secret-pw' });
      const other = await must(server, a.token, 'POST', '/api/v1/servers', { name: 'web2', hostname: 'web2.host-a.test' });
      assert.throws(() => open(row.credentials, a.tenant.id, `servers.credentials:${other.id}`), 'a sealed value copied to another server does not open');
      assert.throws(() => open(row.credentials, b.tenant.id, `servers.credentials:${s.id}`), 'nor in another tenant');
      const cleared = await must(server, a.token, 'PATCH', `/api/v1/servers/${s.id}`, { credentials: null });
      assert.equal(cleared.hasCredentials, false);
    });

    it('validates input with 400 details and refuses duplicates with 409', async () => {
      const bad = await req(a.token, 'POST', '/api/v1/servers', { name: 'x', hostname: 'bad host!', port: 70000 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'Validation failed');
      const group = await req(a.token, 'POST', '/api/v1/servers', { name: 'x', hostname: 'x.test', groupId: '00000000-0000-4000-8000-000000000000' });
      assert.deepEqual([group.status, group.body.details], [400, { groupId: 'is not a server group of this tenant' }]);
      await must(server, a.token, 'POST', '/api/v1/servers', { name: 'dup', hostname: 'dup.test' });
      assert.equal((await req(a.token, 'POST', '/api/v1/servers', { name: 'dup2', hostname: 'DUP.test' })).status, 409);
      assert.equal((await req(a.token, 'POST', '/api/v1/server-groups', { name: 'g', placement: 'random' })).status, 400);
      const plan = await req(a.token, 'POST', '/api/v1/hosting-plans', { name: 'p', limits: { ...LIMITS, phpVersions: ['latest'] } });
      assert.equal(plan.status, 400);
      const noLimits = await req(a.token, 'POST', '/api/v1/hosting-plans', { name: 'p' });
      assert.equal(noLimits.status, 400);
    });

    it('drains a server (placement skips it) and refuses to delete a server or group in use', async () => {
      const { group, servers: [s0, s1], plan } = await seedGroup(server, a.token, 'fill', [{}, {}]);
      assert.equal((await must(server, a.token, 'POST', `/api/v1/servers/${s0.id}/drain`, undefined, 200)).status, 'draining');
      const { serviceId } = await seedService(server, a.token, plan.id);
      const acct = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId });
      assert.equal(acct.serverId, s1.id, 'the draining (older) server was skipped');
      assert.equal((await req(a.token, 'DELETE', `/api/v1/servers/${s1.id}`)).status, 409);
      assert.equal((await req(a.token, 'DELETE', `/api/v1/server-groups/${group.id}`)).status, 409);
      assert.equal((await req(a.token, 'DELETE', `/api/v1/hosting-plans/${plan.id}`)).status, 409, 'a product sells it');
      const detail = await must(server, a.token, 'GET', `/api/v1/servers/${s1.id}`);
      assert.deepEqual(detail.load, { accounts: 1, allocatedDiskMb: LIMITS.diskMb });
    });
  });

  describe('accounts and placement', () => {
    it('creates an account from the product\'s plan: placed, a generated user name, a queued create operation', async () => {
      const { servers: [s0], plan } = await seedGroup(server, a.token, 'least_full', [{ maxAccounts: 10 }]);
      const { serviceId } = await seedService(server, a.token, plan.id);
      const acct = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId });
      assert.equal(acct.serverId, s0.id);
      assert.equal(acct.planId, plan.id);
      assert.match(acct.username, /^site\d+[a-z2-9]{4}$/);
      assert.deepEqual([acct.operation.status, acct.operation.action, acct.operation.subjectId], ['queued', 'create', acct.id]);
      assert.deepEqual(acct.intent.state, 'active');
      assert.equal(acct.inSync, false, 'never observed: not in sync');
      const detail = await must(server, a.token, 'GET', `/api/v1/hosting-accounts/${acct.id}`);
      assert.equal(detail.intent.serviceStatus, 'pending');
      assert.equal(detail.plan.id, plan.id);
      assert.equal((await req(a.token, 'POST', '/api/v1/hosting-accounts', { serviceId })).status, 409, 'one account per service');
      const badDomain = await req(a.token, 'PATCH', `/api/v1/hosting-accounts/${acct.id}`, { domain: 'not a domain' });
      assert.deepEqual([badDomain.status, badDomain.body.details], [400, { domain: 'is not a valid domain name' }]);
      const other = await seedService(server, a.token, plan.id);
      assert.equal((await req(a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: other.serviceId, username: 'root' })).status, 400, 'a reserved name');
      const named = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: other.serviceId, username: 'shopowner' });
      assert.equal(named.username, 'shopowner');
      const third = await seedService(server, a.token, plan.id);
      assert.equal((await req(a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: third.serviceId, username: 'shopowner' })).status, 409, 'taken on that server');
      const ops = await must(server, a.token, 'GET', `/api/v1/provisioning/operations?accountId=${acct.id}`);
      assert.deepEqual(ops.map((o: { id: string }) => o.id), [acct.operation.id]);
    });

    it('places by the group\'s rule against real rows; no capacity leaves the operation in needs_attention', async () => {
      const { servers: [s0, s1], plan } = await seedGroup(server, a.token, 'fill', [{ maxAccounts: 1 }, { maxAccounts: 1 }]);
      const placed = [];
      for (let i = 0; i < 3; i++) placed.push(await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: (await seedService(server, a.token, plan.id)).serviceId }));
      assert.deepEqual(placed.map((p) => p.serverId), [s0.id, s1.id, null]);
      assert.equal(placed[2].placement.reason, 'no_capacity');
      assert.deepEqual([placed[2].operation.status, placed[2].operation.errorCode], ['needs_attention', 'CAPACITY']);
      assert.match(placed[2].operation.errorMessage, /No capacity in server group/);
      assert.doesNotMatch(placed[2].operation.clientMessage, /capacity|group/i, 'the portal sees a neutral message');
      const rr = await seedGroup(server, a.token, 'round_robin', [{}, {}, {}]);
      const order = [];
      for (let i = 0; i < 4; i++) order.push((await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: (await seedService(server, a.token, rr.plan.id)).serviceId })).serverId);
      assert.deepEqual(order, [rr.servers[0].id, rr.servers[1].id, rr.servers[2].id, rr.servers[0].id]);
    });

    it('concurrent orders cannot both take a server\'s last slot', async () => {
      const { servers: [s0], plan } = await seedGroup(server, a.token, 'least_full', [{ maxAccounts: 1 }]);
      const services = [await seedService(server, a.token, plan.id), await seedService(server, a.token, plan.id)];
      const made = await Promise.all(services.map((s) => must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: s.serviceId })));
      assert.deepEqual(made.map((m) => m.serverId).sort(), [null, s0.id].sort());
    });
  });

  describe('resources inside an account', () => {
    let acct: { id: string; username: string };
    let clientToken: string;
    let otherClientToken: string;
    before(async () => {
      const { plan } = await seedGroup(server, a.token, 'least_full', [{}]);
      const seeded = await seedService(server, a.token, plan.id);
      acct = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: seeded.serviceId });
      clientToken = (await createUser(server, a.token, ['client'], { tenant: 'host-a', clientId: seeded.clientId })).token;
      const other = await seedService(server, a.token, plan.id);
      otherClientToken = (await createUser(server, a.token, ['client'], { tenant: 'host-a', clientId: other.clientId })).token;
    });

    it('enforces the plan\'s site limit and PHP versions, and one live site per domain across tenants', async () => {
      const base = `/api/v1/hosting-accounts/${acct.id}/websites`;
      const site = await must(server, a.token, 'POST', base, { domain: 'Shop-A.example.TEST', aliases: ['www.shop-a.example.test'], redirectHttps: true });
      assert.deepEqual([site.domain, site.phpVersion, site.docroot, site.state], ['shop-a.example.test', '8.2', 'web/shop-a.example.test/public_html', 'creating']);
      assert.deepEqual([site.operation.status], ['queued']);
      const op = await must(server, a.token, 'GET', `/api/v1/provisioning/operations/${site.operation.id}`);
      assert.deepEqual(op.desired.resource, { kind: 'site', id: site.id, domain: 'shop-a.example.test', aliases: ['www.shop-a.example.test'], docroot: 'web/shop-a.example.test/public_html', php: { version: '8.2', maxChildren: 5 }, forceHttps: true, state: 'active' });
      assert.equal(op.desired.username, acct.username);
      const php = await req(a.token, 'POST', base, { domain: 'php.example.test', phpVersion: '7.4' });
      assert.deepEqual([php.status, Object.keys(php.body.details)], [400, ['phpVersion']]);
      for (const [body, field] of [[{ domain: 'no_tld' }, 'domain'], [{ domain: 'x.example.test', docroot: '../etc' }, 'docroot'], [{ domain: 'y.example.test', aliases: ['y.example.test'] }, 'aliases[0]']] as const) {
        const res = await req(a.token, 'POST', base, body);
        assert.deepEqual([res.status, Object.keys(res.body.details ?? {})], [400, [field]], JSON.stringify(body));
      }
      // Another tenant's account cannot host the same domain.
      const other = await seedGroup(server, b.token, 'fill', [{}]);
      const bAcct = await must(server, b.token, 'POST', '/api/v1/hosting-accounts', { serviceId: (await seedService(server, b.token, other.plan.id)).serviceId });
      assert.equal((await req(b.token, 'POST', `/api/v1/hosting-accounts/${bAcct.id}/websites`, { domain: 'shop-a.example.test' })).status, 409);
      await must(server, a.token, 'POST', base, { domain: 'second.example.test', phpVersion: null });
      const third = await req(a.token, 'POST', base, { domain: 'third.example.test' });
      assert.equal(third.status, 409);
      assert.match(third.body.error, /allows 2 websites/);
      assert.deepEqual(third.body.details, { sites: 'limit 2 reached' });
      // Removing frees the slot at once (the row stays "removing" until the server confirms).
      const removed = await must(server, a.token, 'DELETE', `${base}/${site.id}`);
      assert.deepEqual([removed.state, removed.operation.status], ['removing', 'queued']);
      assert.equal((await req(a.token, 'DELETE', `${base}/${site.id}`)).status, 409);
      await must(server, a.token, 'POST', base, { domain: 'third.example.test' });
    });

    it('shows a database password once, never stores it in clear, and seals it for the engine', async () => {
      const base = `/api/v1/hosting-accounts/${acct.id}/databases`;
      const made = await must(server, a.token, 'POST', base, { name: 'shop' });
      assert.equal(made.name, `${acct.username}_shop`);
      assert.match(made.password, /^[A-Za-z0-9_-]{24}$/);
      const again = await must(server, a.token, 'GET', `${base}/${made.id}`);
      assert.equal('password' in again, false);
      const dump = JSON.stringify(await server.knex.raw(`select t::text from hosting_databases t union all select t::text from provisioning_operations t`));
      assert.equal(dump.includes(made.password), false, 'the password is nowhere in clear');
      const op = await server.knex('provisioning_operations').where({ id: made.operation.id }).first();
      assert.equal(open(op.desired.resource.passwordSealed, a.tenant.id, `database-password:${made.id}`), made.password);
      const limit = await req(a.token, 'POST', base, { name: 'blog' });
      assert.deepEqual([limit.status, limit.body.details], [409, { databases: 'limit 1 reached' }]);
      const reset = await must(server, a.token, 'POST', `${base}/${made.id}/reset-password`, undefined, 200);
      assert.notEqual(reset.password, made.password);
      assert.equal(reset.operation.status, 'queued');
    });

    it('stores SFTP passwords as $6$ hashes and refuses bad keys', async () => {
      const base = `/api/v1/hosting-accounts/${acct.id}/sftp-users`;
      const user = await must(server, a.token, 'POST', base, { name: 'deploy', password: 'a long sftp password', authorizedKeys: [WALKED_KEY] });
      assert.deepEqual([user.username, user.hasPassword, 'passwordHash' in user], [`${acct.username}_deploy`, true, false]);
      const row = await server.knex('sftp_users').where({ id: user.id }).first();
      assert.match(row.password_hash, /^\$6\$/);
      const bad = await req(a.token, 'POST', base, { name: 'ops', authorizedKeys: [`command="sh" ${WALKED_KEY}`] });
      assert.deepEqual([bad.status, Object.keys(bad.body.details)], [400, ['authorizedKeys[0]']]);
      assert.equal((await req(a.token, 'POST', base, { name: 'nokey' })).status, 400, 'a password or a key is required');
      assert.equal((await req(a.token, 'POST', base, { name: 'short', password: 'short' })).status, 400);
      assert.equal((await req(a.token, 'PATCH', `${base}/${user.id}`, { password: null, authorizedKeys: [] })).status, 400, 'cannot lock the user out entirely');
      assert.equal((await req(a.token, 'POST', base, { name: 'deploy', password: 'another long password' })).status, 409);
    });

    it('validates cron jobs and their plan limit', async () => {
      const base = `/api/v1/hosting-accounts/${acct.id}/cron-jobs`;
      assert.equal((await req(a.token, 'POST', base, { schedule: '61 * * * *', command: 'true' })).status, 400);
      assert.equal((await req(a.token, 'POST', base, { schedule: '* * * * *', command: 'true\n* * * * * evil' })).status, 400);
      // Two at once against a limit of one: the account row lock lets exactly one through.
      const both = await Promise.all([0, 1].map(() => req(a.token, 'POST', base, { schedule: '*/10  *  * * *', command: 'php cron.php' })));
      assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
      const job = both.find((r) => r.status === 201)!.body.data;
      assert.equal(job.schedule, '*/10 * * * *');
      assert.equal((await req(a.token, 'POST', base, { schedule: '@daily', command: 'x' })).status, 409);
      assert.equal((await must(server, a.token, 'PATCH', `${base}/${job.id}`, { schedule: '@hourly' })).schedule, '@hourly');
    });

    it('gives the owning client its account\'s resources and another client nothing', async () => {
      const base = `/api/v1/hosting-accounts/${acct.id}`;
      assert.equal((await req(clientToken, 'GET', `${base}/websites`)).status, 200);
      const mine = await req(clientToken, 'GET', '/api/v1/hosting-accounts');
      assert.deepEqual(mine.body.data.map((x: { id: string }) => x.id), [acct.id]);
      const created = await req(clientToken, 'POST', `${base}/cron-jobs`, { schedule: '@daily', command: 'x' });
      assert.equal(created.status, 409, 'the client is held to the same plan limit');
      for (const path of [base, `${base}/websites`, `${base}/databases`, `${base}/sftp-users`, `${base}/cron-jobs`]) {
        assert.equal((await req(otherClientToken, 'GET', path)).status, 404, path);
      }
      assert.equal((await req(otherClientToken, 'POST', `${base}/websites`, { domain: 'steal.example.test' })).status, 404);
      assert.deepEqual((await req(otherClientToken, 'GET', '/api/v1/hosting-accounts')).body.data.map((x: { id: string }) => x.id).includes(acct.id), false);
      assert.equal((await req(clientToken, 'GET', '/api/v1/servers')).status, 403, 'clients never see servers');
      assert.equal((await req(clientToken, 'PATCH', base, { planId: acct.id })).status, 403);
    });
  });

  describe('isolation and resellers', () => {
    it('tenant B gets 404 on A\'s servers, accounts and operations, and none in its lists', async () => {
      const { servers: [s0], plan, group } = await seedGroup(server, a.token, 'fill', [{}]);
      const acct = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: (await seedService(server, a.token, plan.id)).serviceId });
      for (const path of [`/api/v1/servers/${s0.id}`, `/api/v1/server-groups/${group.id}`, `/api/v1/hosting-plans/${plan.id}`, `/api/v1/hosting-accounts/${acct.id}`, `/api/v1/provisioning/operations/${acct.operation.id}`, `/api/v1/hosting-accounts/${acct.id}/websites`]) {
        assert.equal((await req(b.token, 'GET', path)).status, 404, path);
      }
      for (const path of ['/api/v1/servers', '/api/v1/hosting-accounts', '/api/v1/provisioning/operations', '/api/v1/server-groups']) {
        assert.doesNotMatch(JSON.stringify((await req(b.token, 'GET', path)).body), new RegExp(`${s0.id}|${acct.id}|${group.id}`), path);
      }
      // B cannot point its plan at A's group, nor grant it.
      assert.equal((await req(b.token, 'POST', '/api/v1/hosting-plans', { name: 'steal', serverGroupId: group.id, limits: LIMITS })).status, 400);
      assert.equal((await req(b.token, 'POST', `/api/v1/server-groups/${group.id}/grants`, { childTenantId: b.tenant.id })).status, 404);
    });

    it('a reseller places accounts on the parent\'s group within its quota but never reads the parent\'s server', async () => {
      const root = await superAdminToken(server);
      const parent = await createTenantWithAdmin(server, { slug: 'host-parent', isReseller: true, asToken: root });
      const child = await createTenantWithAdmin(server, { slug: 'host-child', parentTenantId: parent.tenant.id, asToken: parent.token });
      // fill: the reseller's account must go to the older server although the newer one is emptier.
      const { group, servers: [s0, s1], plan: own } = await seedGroup(server, parent.token, 'fill', [{ maxAccounts: 10 }, { maxAccounts: 10 }]);
      await must(server, parent.token, 'POST', '/api/v1/hosting-accounts', { serviceId: (await seedService(server, parent.token, own.id)).serviceId });
      assert.equal((await req(parent.token, 'POST', `/api/v1/server-groups/${group.id}/grants`, { childTenantId: a.tenant.id })).status, 400, 'only a sub-tenant');
      const grant = await must(server, parent.token, 'POST', `/api/v1/server-groups/${group.id}/grants`, { childTenantId: child.tenant.id, maxAccounts: 1 });
      const plan = await must(server, child.token, 'POST', '/api/v1/hosting-plans', { name: 'resold', serverGroupId: group.id, limits: LIMITS });
      // Both ordered before either account exists (the order-time quota check sees room for each):
      // placement, under its lock, is what refuses the second.
      const [firstOrder, secondOrder] = [await seedService(server, child.token, plan.id), await seedService(server, child.token, plan.id)];
      const first = await must(server, child.token, 'POST', '/api/v1/hosting-accounts', { serviceId: firstOrder.serviceId });
      assert.equal(first.serverId, s0.id, 'placed on the parent\'s server by the parent\'s rule (fill)');
      assert.equal((await req(child.token, 'GET', `/api/v1/servers/${s1.id}`)).status, 404);
      assert.equal((await req(child.token, 'GET', `/api/v1/servers/${s0.id}`)).status, 404);
      assert.equal((await req(child.token, 'GET', `/api/v1/server-groups/${group.id}`)).status, 404);
      assert.deepEqual((await must(server, child.token, 'GET', '/api/v1/servers')), []);
      assert.equal((await req(child.token, 'PATCH', `/api/v1/server-groups/${group.id}/grants/${grant.id}`, { maxAccounts: 100 })).status, 404, 'the reseller cannot raise its quota');
      const received = await must(server, child.token, 'GET', '/api/v1/hosting/grants');
      assert.deepEqual(received.map((g: { groupId: string; maxAccounts: number; usage: unknown }) => [g.groupId, g.maxAccounts, g.usage]), [[group.id, 1, { accounts: 1, diskMb: LIMITS.diskMb }]]);
      assert.doesNotMatch(JSON.stringify(received), /hostname|example\.test/);
      const second = await must(server, child.token, 'POST', '/api/v1/hosting-accounts', { serviceId: secondOrder.serviceId });
      assert.deepEqual([second.serverId, second.placement.reason, second.operation.status], [null, 'quota_exceeded', 'needs_attention']);
      // Once the quota is used, a new order is refused before anything is sold.
      const over = await req(child.token, 'POST', '/api/v1/orders', { clientId: firstOrder.clientId, items: [{ productId: firstOrder.productId, cycle: 'monthly' }] });
      assert.deepEqual([over.status, over.body.error], [422, 'Hosting quota exceeded: accounts: the grant allows 1, 1 are in use and 1 more are needed']);
      // The parent counts the reseller's account against the server's capacity, without seeing it.
      assert.deepEqual((await must(server, parent.token, 'GET', `/api/v1/servers/${s0.id}`)).load, { accounts: 2, allocatedDiskMb: 2 * LIMITS.diskMb });
      assert.equal((await req(parent.token, 'GET', `/api/v1/hosting-accounts/${first.id}`)).status, 404);
      assert.equal((await req(parent.token, 'DELETE', `/api/v1/servers/${s0.id}`)).status, 409, 'the reseller\'s account keeps the server');
    });

    it('requestOperation is idempotent per tenant and key', async () => {
      const { appKnex } = server.running.platform.container.cradle;
      const ids = await withTenant(appKnex, a.tenant.id, async (_db, trx) => {
        const db = createTenantDb(trx, a.tenant.id);
        const input = { subjectType: 'server' as const, subjectId: a.tenant.id, accountId: null, action: 'reconcile', desired: {}, triggeredBy: 'system:test', idempotencyKey: 'reconcile:once' };
        return [(await requestOperation(db, input)).id, (await requestOperation(db, input)).id];
      });
      assert.equal(ids[0], ids[1]);
      assert.equal((await server.knex('provisioning_operations').where({ idempotency_key: 'reconcile:once' })).length, 1);
    });
  });
});

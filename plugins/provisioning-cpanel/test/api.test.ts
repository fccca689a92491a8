import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The plugin's HTTP tests boot core's test server with billing, hosting and this plugin (as the agent plugin's do).
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { LIMITS, must, seedService } from '../../hosting/test/support/seed.ts';
import { FakeWhmServer } from '../../../test/fakes/whm/server.ts';

/**
 * A cPanel server through hosting's API with the WHM fake behind it: add it with its token (sealed,
 * never answered), test the connection, list its packages, refuse a plan whose package it lacks,
 * provision an account there, and log in to cPanel with single sign-on as the client.
 */
describe('provisioning-cpanel through the hosting API', function () {
  this.timeout(120_000);
  const whm = new FakeWhmServer();
  let server: TestServer;
  let dir: string;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const cpanelServer = (token: string, groupId: string, whmToken = whm.token) => must(server, token, 'POST', '/api/v1/servers', {
    name: `whm-${Math.random().toString(36).slice(2, 7)}`, hostname: `whm${Math.random().toString(36).slice(2, 7)}.example.test`, module: 'cpanel', status: 'online', groupId,
    address: '127.0.0.1', port: whm.port, credentials: { username: 'root', token: whmToken, protocol: 'http' },
  });

  before(async () => {
    await whm.start();
    whm.state.addPackage('basic', { QUOTA: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'mpanel-cpanel-plugins-'));
    for (const name of ['billing', 'hosting', 'provisioning-cpanel']) symlinkSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), join(dir, name));
    // The fake WHM listens on 127.0.0.1: the operator allows private targets (panels on the same network do).
    server = await startTestServer({ env: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, plugins: { directories: [dir] } });
    a = await createTenantWithAdmin(server);
    b = await createTenantWithAdmin(server);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    await whm.stop();
  });

  it('adds a cPanel server, tests the connection, lists packages, and checks a plan\'s package when it is saved', async () => {
    const group = await must(server, a.token, 'POST', '/api/v1/server-groups', { name: 'cpanel', placement: 'fill' });
    const s = await cpanelServer(a.token, group.id);
    assert.equal(JSON.stringify(s).includes(whm.token), false, 'the token never leaves the API');
    const test = await must(server, a.token, 'POST', `/api/v1/servers/${s.id}/test-connection`, undefined, 200);
    assert.deepEqual([test.ok, test.version], [true, whm.version]);
    assert.equal((await must(server, a.token, 'GET', `/api/v1/servers/${s.id}`)).facts.whmVersion, whm.version);
    const pkgs = await must(server, a.token, 'GET', `/api/v1/servers/${s.id}/packages`);
    assert.equal(pkgs.supported, true);
    assert.deepEqual(pkgs.packages.map((p: { id: string }) => p.id).sort(), ['basic', 'default']);

    const typo = await req(a.token, 'POST', '/api/v1/hosting-plans', { name: 'typo', serverGroupId: group.id, limits: LIMITS, remotePackage: 'basci' });
    assert.equal(typo.status, 400);
    assert.match(typo.body.details.remotePackage, /package 'basci' does not exist on server .*packages there: (default, basic|basic, default)/);
    const plan = await must(server, a.token, 'POST', '/api/v1/hosting-plans', { name: 'basic', serverGroupId: group.id, limits: LIMITS, remotePackage: 'basic' });
    assert.equal((await req(a.token, 'PATCH', `/api/v1/hosting-plans/${plan.id}`, { remotePackage: 'gone' })).status, 400);

    const refused = await cpanelServer(a.token, group.id, 'REVOKED');
    const bad = await must(server, a.token, 'POST', `/api/v1/servers/${refused.id}/test-connection`, undefined, 200);
    assert.equal(bad.ok, false);
    assert.match(bad.message, /refused the API token/);
    assert.equal((await req(a.token, 'GET', `/api/v1/servers/${refused.id}/packages`)).status, 502);

    // Another tenant sees none of it.
    assert.equal((await req(b.token, 'POST', `/api/v1/servers/${s.id}/test-connection`)).status, 404);
    assert.equal((await req(b.token, 'GET', `/api/v1/servers/${s.id}/packages`)).status, 404);
  });

  it('provisions the account on WHM and logs the client in to cPanel; others get a 404, clients no WHM login', async () => {
    const group = await must(server, a.token, 'POST', '/api/v1/server-groups', { name: 'cpanel sso', placement: 'fill' });
    await cpanelServer(a.token, group.id);
    const plan = await must(server, a.token, 'POST', '/api/v1/hosting-plans', { name: 'sso plan', serverGroupId: group.id, limits: LIMITS, remotePackage: 'basic' });
    const { serviceId, clientId } = await seedService(server, a.token, plan.id);
    const acct = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId });
    for (let i = 0; i < 100 && !whm.state.accounts.has(acct.username); i++) await new Promise((r) => setTimeout(r, 200));
    const created = whm.state.accounts.get(acct.username);
    assert.ok(created, 'the create operation ran against WHM');
    assert.equal(created.plan, 'basic');

    const client = await createUser(server, a.token, ['client'], { clientId, tenant: a.tenant.slug });
    const sso = await must(server, client.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/sso`, {}, 200);
    assert.equal(sso.as, 'client');
    const landing = await fetch(sso.url);
    assert.equal(landing.status, 200);
    assert.match(await landing.text(), new RegExp(`cPanel: logged in as ${acct.username}`));

    assert.equal((await req(client.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/sso`, { as: 'admin' })).status, 403);
    const other = await seedService(server, a.token, plan.id);
    const stranger = await createUser(server, a.token, ['client'], { clientId: other.clientId, tenant: a.tenant.slug });
    assert.equal((await req(stranger.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/sso`, {})).status, 404);
    assert.equal((await req(b.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/sso`, {})).status, 404);
    assert.equal((await req(a.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/sso`, { as: 'root' })).status, 400);

    const staff = await must(server, a.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/sso`, { as: 'admin' }, 200);
    assert.match(await (await fetch(staff.url)).text(), /WHM: logged in as root/);
  });

  it("staff log in to WHM from the server itself (no account): POST /servers/:id/sso; others 404, no servers.write 403", async () => {
    const group = await must(server, a.token, 'POST', '/api/v1/server-groups', { name: 'cpanel staff sso', placement: 'fill' });
    const s = await cpanelServer(a.token, group.id);
    const modules = await must(server, a.token, 'GET', '/api/v1/provisioning/modules');
    assert.equal(modules.find((m: { id: string }) => m.id === 'cpanel').adminSso, true);
    const sessions = whm.state.sessions.size;
    const staff = await must(server, a.token, 'POST', `/api/v1/servers/${s.id}/sso`, {}, 200);
    assert.equal(staff.as, 'admin');
    assert.match(staff.url, new RegExp(`^http://127\\.0\\.0\\.1:${whm.port}/cpsess\\d{10}/login/\\?session=`));
    const session = [...whm.state.sessions.values()].at(-1)!;
    assert.deepEqual([whm.state.sessions.size, session.service, session.user], [sessions + 1, 'whostmgrd', 'root']);
    const landing = await fetch(staff.url);
    assert.equal(landing.status, 200);
    assert.match(await landing.text(), /WHM: logged in as root/);
    assert.equal((await fetch(staff.url)).status, 401, 'the URL works once');

    const technician = await createUser(server, a.token, ['technician'], { tenant: a.tenant.slug });
    assert.equal((await req(technician.token, 'POST', `/api/v1/servers/${s.id}/sso`, {})).status, 403, 'servers.read is not enough');
    assert.equal((await req(b.token, 'POST', `/api/v1/servers/${s.id}/sso`, {})).status, 404);
    assert.equal((await req(a.token, 'POST', `/api/v1/servers/${s.id}/sso`, { as: 'client' })).status, 400, 'no body is expected');
    const bodiless = await req(a.token, 'POST', `/api/v1/servers/${s.id}/sso`);
    assert.equal(bodiless.status, 200, JSON.stringify(bodiless.body));
    assert.equal(whm.state.sessions.size, sessions + 2, 'refused calls made no session');
    const refused = await cpanelServer(a.token, group.id, 'REVOKED');
    assert.equal((await req(a.token, 'POST', `/api/v1/servers/${refused.id}/sso`, {})).status, 502);
  });
});

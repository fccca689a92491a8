import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { FakeWhmServer } from '../fakes/whm/server.ts';
import { launchBrowser, logIn, pathOf, watch } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

const CLIENT = { email: 'cpanel-client@example.test', password: 'Cpanel-Client-Passphrase-7' };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A cPanel server in Chromium against the WHM fake (over HTTPS with a self-signed certificate, as
 * a fresh WHM has): staff add it through the server form's type picker and test it; a client
 * clicks "Log in to the control panel" and lands on the fake's single sign-on page.
 */
describe('cPanel server and single sign-on (browser)', () => {
  const whm = new FakeWhmServer();
  let dir: string;
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let accountId: string;
  const api = async (method: string, path: string, body?: unknown) => server.request(method, `/api/v1${path}`, { token, body });
  const post = async (path: string, body: unknown) => {
    const res = await api('POST', path, body);
    assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const page = async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
    const p = await context.newPage();
    return { page: p, errors: watch(p) };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'whm-e2e-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=whm.example.test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    await whm.start(0, { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') });
    whm.state.addPackage('basic', { QUOTA: 2048 });
    // The fake WHM listens on 127.0.0.1: the operator allows private targets (panels on the same network do).
    server = await startUiServer({ MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
    browser = await launchBrowser();
    token = await adminToken(server);

    // A client with a hosting account on a cPanel server (the account exists on WHM, as after provisioning).
    const group = await post('/server-groups', { name: 'cPanel group', placement: 'fill' });
    const host = await post('/servers', {
      name: 'whm-seed', hostname: 'whm-seed.example.test', address: '127.0.0.1', port: whm.port, module: 'cpanel', status: 'online', groupId: group.id,
      credentials: { username: 'root', token: whm.token, tlsInsecure: 'true' },
    });
    const plan = await post('/hosting-plans', { name: 'cPanel basic', serverGroupId: group.id, remotePackage: 'basic', limits: { diskMb: 2048, sites: 3, databases: 2, phpVersions: ['8.2'], phpMaxChildren: 5, memoryMb: 256 } });
    const product = await post('/products', { name: 'cPanel hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 900 }] });
    const client = await post('/clients', { email: CLIENT.email, firstName: 'Cora', lastName: 'Panel', country: 'US', currency: 'USD' });
    await post('/users', { ...CLIENT, roles: ['client'], clientId: client.id });
    const order = await post('/orders', { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly', domain: 'cora.example.test' }] });
    const { tenant_id: tenantId } = (await server.knex('services').where({ id: order.services[0].id }).first('tenant_id')) as { tenant_id: string };
    accountId = randomUUID();
    await server.knex('hosting_accounts').insert({
      id: accountId, tenant_id: tenantId, service_id: order.services[0].id, client_id: client.id, server_id: host.id, plan_id: plan.id,
      username: 'cora', domain: 'cora.example.test', desired_state: 'active', observed_state: 'active', observed_at: new Date(),
    });
    whm.state.accounts.set('cora', { user: 'cora', domain: 'cora.example.test', plan: 'basic', email: CLIENT.email, owner: 'root', password: 'x', suspended: false, suspendreason: '', createdAt: new Date(), diskUsedMb: 10, bandwidthBytes: 0 });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await whm.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('staff add a cPanel server with its API token, test the connection and see its packages', async () => {
    const { page: p, errors } = await page();
    await logIn(p, '/admin/servers/new', ADMIN.email, ADMIN.password);
    await p.locator('.mp-shell[data-plugins="ready"]').waitFor();
    await p.getByLabel('Name', { exact: true }).fill('whm1');
    await p.getByLabel('Host name').fill('whm1.example.test');
    await p.getByLabel('Address').fill('127.0.0.1');
    await p.locator('#create-module option', { hasText: 'cPanel & WHM' }).waitFor({ state: 'attached' });
    await p.getByLabel('Module').selectOption({ label: 'cPanel & WHM' });
    await p.getByLabel('Port').fill(String(whm.port));
    await p.getByLabel('Panel API user').fill('root');
    await p.getByLabel('Panel API token').fill(whm.token);
    await p.getByLabel('Do not verify the panel\'s TLS certificate').check();
    await p.getByRole('button', { name: 'Create' }).click();
    await p.waitForURL(new RegExp(`/admin/servers/${UUID}$`));
    const serverId = pathOf(p).split('/').pop()!;
    const stored = (await api('GET', `/servers/${serverId}`)).body.data as Record<string, unknown>;
    assert.deepEqual([stored.module, stored.port, JSON.stringify(stored).includes(whm.token)], ['cpanel', whm.port, false]);
    // The packages come from WHM when the page opens.
    await p.getByTestId('server-packages').getByText('basic').waitFor();
    await p.getByTestId('server-test-connection').click();
    await p.getByTestId('server-panel-test').waitFor();
    assert.match(await p.getByTestId('server-panel-test').innerText(), new RegExp(`^Connected: WHM ${whm.version.replace(/\./g, '\\.')} answered`));
    assert.equal(await p.getByTestId('server-enroll').count(), 0, 'no agent enrollment for a panel server');
    assert.deepEqual(errors, []);
    await p.context().close();
  });

  it('a client clicks "Log in to the control panel" and lands in cPanel as its account', async () => {
    const { page: p, errors } = await page();
    await logIn(p, `/client/hosting/${accountId}`, CLIENT.email, CLIENT.password);
    await p.locator('.mp-shell[data-plugins="ready"]').waitFor();
    await p.getByTestId('panel-login-client').click();
    await p.waitForURL(/\/cpsess\d{10}\/login\/\?session=/);
    assert.equal(new URL(p.url()).port, String(whm.port));
    assert.equal(await p.getByTestId('whm-logged-in').innerText(), 'cPanel: logged in as cora');
    assert.equal(whm.state.sessions.size, 1);
    assert.deepEqual(errors, []);
    await p.context().close();
  });
});

import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { FakeWhmServer } from '../fakes/whm/server.ts';
import { hestiaPanel, whmPanel, type ImportPanel } from '../../plugins/hosting/test/import/panels.ts';
import { accessibilityViolations } from './support/axe.ts';
import { launchBrowser, logIn, watch } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

/** The fakes' ports, in this test's range (25800–25999). */
const WHM_PORT = 25811;
const HESTIA_PORT = 25812;
const ACCOUNTS = 500;

/**
 * The import screen in Chromium against each panel fake (500 accounts through the cPanel module's
 * listaccts and the Hestia module's v-list-users, one test body): staff open the import from the
 * server page, preview the accounts, choose an existing client for one of them, run the import,
 * watch the bar reach 100 % and read the report; the services list then has the imported
 * services. Staff then log in to WHM as its admin, from the server page and from an imported
 * account's page, and land on the fake's single sign-on page.
 */
describe('hosting import screen and staff single sign-on (browser, WHM and Hestia fakes)', () => {
  const whm = new FakeWhmServer();
  const panels: Array<{ panel: ImportPanel; port: number; prefix: string; serverId: string; existing: { id: string; email: string } }> = [
    { panel: whmPanel(whm), port: WHM_PORT, prefix: 'whm', serverId: '', existing: { id: '', email: '' } },
    { panel: hestiaPanel(), port: HESTIA_PORT, prefix: 'hst', serverId: '', existing: { id: '', email: '' } },
  ];
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let serverId: string;
  let productId: string;
  const api = async (method: string, path: string, body?: unknown) => server.request(method, `/api/v1${path}`, { token, body });
  const post = async (path: string, body: unknown) => {
    const res = await api('POST', path, body);
    assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const page = async (): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    return { page: p, errors: watch(p) };
  };

  before(async () => {
    // The fakes listen on 127.0.0.1: the operator allows private targets (panels on the same network do).
    server = await startUiServer({ MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
    browser = await launchBrowser();
    token = await adminToken(server);
    const plan = await post('/hosting-plans', { name: 'Imported', limits: { diskMb: 2048, sites: 3, databases: 2, phpVersions: ['8.2'], phpMaxChildren: 5, memoryMb: 256 } });
    const product = await post('/products', { name: 'Imported hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 900 }], provisioning: { module: 'hosting', config: { planId: plan.id } } });
    productId = product.id;
    for (const entry of panels) {
      const { panel, prefix } = entry;
      await panel.start(entry.port);
      for (let i = 1; i <= ACCOUNTS; i++) {
        const user = `${prefix}${String(i).padStart(4, '0')}`;
        panel.seed(user, { email: `${user}@${prefix}-owners.example`, domain: `${user}.example.org`, suspended: i === 9 });
      }
      const host = await post('/servers', {
        name: `${prefix}-import`, hostname: `${prefix}-import.example.test`, address: '127.0.0.1', port: entry.port, module: panel.module, status: 'online', credentials: panel.credentials(),
      });
      entry.serverId = host.id;
      // The client staff choose for <prefix>0007 (its e-mail on the panel matches nobody).
      entry.existing = await post('/clients', { email: `existing.${prefix}@example.test`, firstName: 'Existing', lastName: panel.label, country: 'US', currency: 'USD' });
    }
    serverId = panels[0]!.serverId;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    for (const { panel } of panels) await panel.stop();
  });

  panels.forEach((entry, index) => {
    it(`staff preview 500 ${entry.panel.label} accounts, map one to an existing client, import with progress to 100 % and a report; the services list shows them`, async () => {
      const { serverId, existing, prefix, panel } = entry;
      const mappedName = `${prefix}0007`;
      const { page: p, errors } = await page();
      await logIn(p, `/admin/servers/${serverId}`, ADMIN.email, ADMIN.password);
      await p.locator('.mp-shell[data-plugins="ready"]').waitFor();
      await p.getByTestId('server-import').click();
      await p.waitForURL(new RegExp(`/admin/servers/${serverId}/import$`));
      await p.locator('#import-product option', { hasText: 'Imported hosting' }).waitFor({ state: 'attached' });
      await p.getByTestId('import-product').selectOption({ label: 'Imported hosting' });
      const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      await p.getByTestId('import-due').fill(due);
      await p.getByTestId('import-country').fill('US');

      await p.getByTestId('import-preview').click();
      const table = p.getByTestId('import-preview-table');
      await table.waitFor();
      assert.equal(await table.locator('tbody tr').count(), ACCOUNTS);
      assert.match(await table.getByRole('status').innerText(), /^0 onto existing clients, 500 with new clients, 0 skipped, 0 without a client$/);

      // <prefix>0007 goes to the existing client, found by searching for it.
      const row = p.getByTestId(`import-row-${mappedName}`);
      assert.equal(await row.getByTestId('import-outcome').innerText(), 'New client');
      await row.getByTestId('import-choose').click();
      await row.getByTestId('import-client-search').fill(`existing.${prefix}`);
      const option = row.getByTestId('import-client-select').locator('option', { hasText: existing.email });
      await option.waitFor({ state: 'attached' });
      // The screen with a picker open passes axe-core (once: the screen is the same for every panel).
      if (index === 0) {
        const violations = await accessibilityViolations(p);
        assert.equal(violations.length, 0, `axe: ${[...new Set(violations)].slice(0, 10).join('\n')}`);
      }
      await row.getByTestId('import-client-select').selectOption({ label: await option.innerText() });
      assert.equal(await row.getByTestId('import-outcome').innerText(), `Client chosen: Existing ${panel.label} <${existing.email}>`);
      assert.match(await table.getByRole('status').innerText(), /^1 onto existing clients, 499 with new clients, 0 skipped/);

      await p.getByTestId('import-start').click();
      await p.getByTestId('import-done').waitFor({ timeout: 120_000 });
      assert.equal(await p.getByTestId('import-bar').getAttribute('value'), '100');
      assert.equal(await p.getByTestId('import-done').innerText(), 'Imported 500 (1 onto existing clients, 499 with new clients), skipped 0.');

      // What the import wrote: the chosen client got <prefix>0007, every account a service, nothing ran on the panel.
      const accounts = (await api('GET', `/hosting-accounts?serverId=${serverId}&perPage=100`)).body;
      assert.equal(accounts.meta.total, ACCOUNTS);
      const mapped = (await api('GET', `/hosting-accounts?serverId=${serverId}&search=${mappedName}`)).body.data[0];
      assert.equal(mapped.clientId, existing.id);
      assert.equal(panel.mutations(), 0, 'nothing was run on the panel');

      // The services list: 500 more services, the chosen client's imported service on its page.
      await p.goto('/admin/services');
      await p.getByText(`${ACCOUNTS * (index + 1)} results`).waitFor();
      await p.goto(`/admin/clients/${existing.id}`);
      await p.getByRole('table', { name: 'Services' }).getByText(`${mappedName}.example.org`).waitFor();
      assert.deepEqual(errors, []);
      await p.context().close();
    });
  });

  it('staff log in to WHM as its admin from an imported account\'s page and land on the fake\'s SSO page', async () => {
    const account = (await api('GET', `/hosting-accounts?serverId=${serverId}&search=whm0042`)).body.data[0];
    const { page: p, errors } = await page();
    await logIn(p, `/admin/hosting-accounts/${account.id}`, ADMIN.email, ADMIN.password);
    await p.locator('.mp-shell[data-plugins="ready"]').waitFor();
    const sessions = whm.state.sessions.size;
    await p.getByTestId('panel-login-admin').click();
    await p.waitForURL(/\/cpsess\d{10}\/login\/\?session=/);
    assert.equal(new URL(p.url()).port, String(WHM_PORT));
    assert.equal(await p.getByTestId('whm-logged-in').innerText(), 'WHM: logged in as root');
    assert.equal(whm.state.sessions.size, sessions + 1);
    const session = [...whm.state.sessions.values()].at(-1)!;
    assert.deepEqual([session.service, session.user, session.used], ['whostmgrd', 'root', true]);
    assert.deepEqual(errors, []);
    await p.context().close();
  });

  it('staff log in to WHM as its admin from the server page (no account needed) and land on the fake\'s SSO page', async () => {
    const { page: p, errors } = await page();
    await logIn(p, `/admin/servers/${serverId}`, ADMIN.email, ADMIN.password);
    await p.locator('.mp-shell[data-plugins="ready"]').waitFor();
    const sessions = whm.state.sessions.size;
    const button = p.getByTestId('server-panel-login');
    assert.equal(await button.innerText(), 'Log in to cPanel & WHM as admin');
    await button.click();
    await p.waitForURL(/\/cpsess\d{10}\/login\/\?session=/);
    assert.equal(new URL(p.url()).port, String(WHM_PORT));
    assert.equal(await p.getByTestId('whm-logged-in').innerText(), 'WHM: logged in as root');
    assert.equal(whm.state.sessions.size, sessions + 1);
    assert.equal([...whm.state.sessions.values()].at(-1)!.service, 'whostmgrd');
    assert.deepEqual(errors, []);
    await p.context().close();
  });

  it('without hosting-imports.run the server page offers no import and the API refuses with 403', async () => {
    const role = await post('/roles', { name: 'server-keeper', level: 2, permissions: ['servers.read', 'servers.write'] });
    assert.ok(role.id);
    const keeper = { email: 'keeper@example.test', password: 'Keeper-Passphrase-42' };
    await post('/users', { ...keeper, roles: ['server-keeper'] });
    const { page: p } = await page();
    await logIn(p, `/admin/servers/${serverId}`, keeper.email, keeper.password);
    await p.locator('.mp-shell[data-plugins="ready"]').waitFor();
    await p.getByTestId('server-test-connection').waitFor();
    assert.equal(await p.getByTestId('server-import').count(), 0);
    // The keeper holds servers.write: the WHM login is offered (the import is not).
    await p.getByTestId('server-panel-login').waitFor();
    const login = await server.request('POST', '/api/v1/auth/login', { body: keeper });
    const res = await server.request('POST', `/api/v1/servers/${serverId}/imports`, { token: login.body.data.accessToken, body: { productId, nextDueDate: '2027-01-01', country: 'US' } });
    assert.equal(res.status, 403, JSON.stringify(res.body));
    await p.context().close();
  });
});

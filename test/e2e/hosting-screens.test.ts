import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, pathOf, watchedPage } from './support/browser.ts';
import { seedHosting, type HostingSeed } from './support/hosting-seed.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

const CLIENT = { email: 'hosting-client@example.test', password: 'Hosting-Client-Passphrase-4' };
const SHOTS = '/tmp/hostui-shots';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Signed in and the plugins' screens arrived. */
async function signIn(page: Page, path: string, who: { email: string; password: string }): Promise<void> {
  await logIn(page, path, who.email, who.password);
  await page.getByTestId('signed-in-as').waitFor();
  await page.locator('.mp-shell[data-plugins="ready"]').waitFor();
}

/**
 * The hosting plugin's screens in Chromium against the real API: staff build a group, a plan and
 * a server through the forms; a client sees its websites and adds a domain; the Provisioning
 * page filters by state, in the URL.
 */
describe('hosting screens (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let seed: HostingSeed;
  const api = async (method: string, path: string, body?: unknown) => server.request(method, `/api/v1${path}`, { token, body });

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    token = await adminToken(server);
    const post = async (path: string, body: unknown) => {
      const res = await api('POST', path, body);
      assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    const product = await post('/products', { name: 'Web hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 900 }] });
    const client = await post('/clients', { email: CLIENT.email, firstName: 'Hana', lastName: 'Host', country: 'US', currency: 'USD' });
    await post('/users', { ...CLIENT, roles: ['client'], clientId: client.id });
    const order = await post('/orders', { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly', domain: 'hana.example.test' }] });
    await post(`/invoices/${order.invoice.id}/payments`, { amount: order.invoice.total, gateway: 'manual', transactionId: 'HOST-1' });
    seed = await seedHosting(server, token, { client: client.id, service: order.services[0].id }, 'hana');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('staff add a server group, a hosting plan (limits checked on the form) and a server', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/admin/server-groups/new', ADMIN);
    await page.getByLabel('Name', { exact: true }).fill('E2E group');
    await page.getByLabel('Placement').selectOption('fill');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(new RegExp(`/admin/server-groups/${UUID}$`));
    assert.equal(await page.locator('main h1').innerText(), 'Server group E2E group');
    const groupId = pathOf(page).split('/').pop()!;
    assert.equal((await api('GET', `/server-groups/${groupId}`)).body.data.placement, 'fill');

    await page.goto('/admin/hosting-plans/new');
    await page.getByLabel('Name', { exact: true }).fill('E2E plan');
    // The group select fills from the API.
    await page.locator('#plan-serverGroupId option', { hasText: 'E2E group' }).waitFor({ state: 'attached' });
    await page.getByLabel('Server group').selectOption({ label: 'E2E group' });
    await page.getByLabel('Websites', { exact: true }).fill('lots');
    await page.getByLabel('Databases').fill('2');
    await page.getByLabel('Disk (MB)').fill('2048');
    await page.getByLabel('PHP versions').fill('8.2, 8.3');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#plan-sites-error').getByText('A whole number, or empty for no limit.').waitFor();
    const plans = async () => (await api('GET', '/hosting-plans')).body.data as Array<{ id: string; name: string; serverGroupId: string; limits: Record<string, unknown> }>;
    assert.equal((await plans()).filter((p) => p.name === 'E2E plan').length, 0, 'a bad limit sends nothing');
    await page.getByLabel('Websites', { exact: true }).fill('5');
    await page.getByLabel('When suspended: SFTP refused').uncheck();
    await shot(page, 'admin-plan-form');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(new RegExp(`/admin/hosting-plans/${UUID}$`));
    const plan = (await plans()).find((p) => p.name === 'E2E plan');
    assert.ok(plan, 'the plan was created');
    assert.equal(plan.serverGroupId, groupId);
    assert.deepEqual([plan.limits.sites, plan.limits.databases, plan.limits.diskMb, plan.limits.cronJobs, plan.limits.phpVersions], [5, 2, 2048, null, ['8.2', '8.3']]);
    const stored = (await api('GET', `/hosting-plans/${plan.id}`)).body.data as { suspensionPolicy: Record<string, unknown> };
    assert.equal(stored.suspensionPolicy.sftp, false);
    assert.equal(stored.suspensionPolicy.web, '503');

    await page.goto('/admin/servers/new');
    await page.getByLabel('Name', { exact: true }).fill('web-e2e');
    await page.getByLabel('Host name').fill('web-e2e.example.test');
    await page.locator('#create-groupId option', { hasText: 'E2E group' }).waitFor({ state: 'attached' });
    await page.getByLabel('Server group').selectOption({ label: 'E2E group' });
    await page.getByLabel('Maximum accounts').fill('100');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(new RegExp(`/admin/servers/${UUID}\\?enroll=1$`));
    assert.equal(await page.locator('main h1').innerText(), 'Server web-e2e');
    assert.equal(await page.getByTestId('server-status').innerText(), 'enrolling');
    assert.equal(await page.getByTestId('server-capacity').innerText(), '0 / 100 (0 %)');
    const serverId = pathOf(page).split('/').pop()!;
    const created = (await api('GET', `/servers/${serverId}`)).body.data as { groupId: string; maxAccounts: number; status: string };
    assert.deepEqual([created.groupId, created.maxAccounts, created.status], [groupId, 100, 'enrolling']);
    // The agent plugin (provisioning-agent) answers the enrollment: a one-time token in the command.
    await page.getByTestId('server-enrollment').waitFor();
    assert.match(await page.getByTestId('server-enrollment').locator('pre').innerText(), /^mpanel-agent enroll --panel \S+ --token \S{16,}$/);
    await page.getByRole('button', { name: 'Test connection' }).click();
    assert.equal(await page.getByTestId('server-test').innerText(), 'No agent is enrolled yet: run the enrollment command on the server.');
    await shot(page, 'admin-server-new');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a client sees its websites and adds a domain (PHP version, HTTPS redirect)', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/client/hosting', CLIENT);
    await page.locator(`[data-account="${seed.account}"]`).getByRole('link').click();
    await page.waitForURL(`**/client/hosting/${seed.account}`);
    const sites = page.locator('[data-section="websites"]');
    await sites.locator('tbody tr', { hasText: 'hana.example.test' }).waitFor();
    assert.equal(await page.locator('[data-usage="diskMb"] dd span').innerText(), '312 of 2048');
    await page.getByTestId('add-sftp-users').waitFor();
    await page.getByTestId('add-websites').click();
    await page.getByLabel('Domain', { exact: true }).fill('Shop-E2E.example.test');
    await page.getByLabel('PHP version').selectOption('8.3');
    assert.equal(await page.getByLabel('Redirect HTTP to HTTPS').isChecked(), true);
    await shot(page, 'portal-add-domain');
    await sites.getByRole('button', { name: 'Add a domain' }).click();
    await sites.locator('tbody tr', { hasText: 'shop-e2e.example.test' }).waitFor();
    const row = (await server.knex('websites').where({ account_id: seed.account, domain: 'shop-e2e.example.test' }).first()) as { php_version: string; redirect_https: boolean; id: string } | undefined;
    assert.ok(row, 'the website row exists');
    assert.deepEqual([row.php_version, row.redirect_https], ['8.3', true]);
    const requested = await server.knex('provisioning_operations').where({ subject_id: row.id }).count({ n: '*' });
    assert.equal(Number((requested[0] as { n: string }).n), 1, 'creating it requested one provisioning operation');
    await shot(page, 'portal-websites');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('staff see an account\'s intent beside the server, its operations\' steps, the Hosting tab and the dashboard widget', async () => {
    // The server says active while billing suspended it: drift.
    await server.knex('hosting_accounts').where({ id: seed.account }).update({ desired_state: 'suspended', suspend_reason: 'overdue' });
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, `/admin/hosting-accounts/${seed.account}`, ADMIN);
    await page.getByTestId('drift').waitFor();
    assert.equal(await page.getByTestId('intent').innerText(), 'suspended');
    assert.equal(await page.getByTestId('observed').innerText(), 'active');
    const failed = page.locator(`[data-operation="${seed.operations.needs_attention}"]`);
    await failed.getByText('Steps').click();
    await failed.getByTestId('operation-steps').getByText('nginx -t failed: rolled back').waitFor();
    await shot(page, 'admin-account');

    const { service_id: serviceId } = (await server.knex('hosting_accounts').where({ id: seed.account }).first('service_id')) as { service_id: string };
    await page.goto(`/admin/services/${serviceId}`);
    await page.getByRole('tab', { name: 'Hosting' }).waitFor();
    await page.getByTestId('service-hosting').getByTestId('drift').waitFor();
    await shot(page, 'admin-service-hosting-tab');

    await page.goto('/admin/');
    await page.getByTestId('attention-count').waitFor();
    assert.equal(await page.getByTestId('attention-count').innerText(), '1');
    await shot(page, 'admin-dashboard-widget');
    await page.getByTestId('hosting-attention').getByRole('link', { name: 'Open the Provisioning page' }).click();
    await page.waitForURL(/\/admin\/provisioning\?status=needs_attention$/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('the Provisioning page filters by state, keeps it in the URL, and cancels after a confirmation', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/admin/provisioning', ADMIN);
    const rows = page.locator('main table tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 3);
    await page.getByLabel('Status').selectOption('needs_attention');
    await page.waitForURL(/\/admin\/provisioning\?status=needs_attention$/);
    // Exactly the operations that need attention (the seeded one, and any the engine stopped since).
    const stopped = async () => ((await server.knex('provisioning_operations').where({ status: 'needs_attention' }).select('id')) as Array<{ id: string }>).length;
    await page.locator(`main table tbody tr a[href$="/provisioning/${seed.operations.needs_attention}"]`).waitFor();
    await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('main table[aria-busy="true"]'));
    const shown = await rows.allInnerTexts();
    assert.equal(shown.length, await stopped());
    assert.ok(shown.every((r) => r.includes('needs attention')), shown.join(' | '));
    assert.ok(shown.some((r) => r.includes('nginx -t failed')), 'the error is on the row');
    await shot(page, 'admin-provisioning-filtered');
    // A reload (or a shared link) shows the same view.
    await page.reload();
    await page.locator(`main table tbody tr a[href$="/provisioning/${seed.operations.needs_attention}"]`).waitFor();
    assert.equal(await rows.count(), await stopped());
    assert.equal(await page.getByLabel('Status').inputValue(), 'needs_attention');

    await page.getByLabel('Status').selectOption('queued');
    await page.waitForURL(/status=queued/);
    const queued = rows.filter({ has: page.locator(`a[href$="/provisioning/${seed.operations.queued}"]`) });
    await queued.waitFor();
    await queued.getByRole('button', { name: 'Cancel operation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Cancel "suspend"?').waitFor();
    assert.equal(((await server.knex('provisioning_operations').where({ id: seed.operations.queued }).first()) as { status: string }).status, 'queued', 'nothing before the answer');
    await shot(page, 'admin-provisioning-confirm');
    await dialog.getByTestId('confirm-yes').click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`main table tbody tr a[href$="/provisioning/${seed.operations.queued}"]`).waitFor({ state: 'detached' });
    assert.equal(((await server.knex('provisioning_operations').where({ id: seed.operations.queued }).first()) as { status: string }).status, 'cancelled');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

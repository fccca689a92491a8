import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, screenshot, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

describe('admin UI (browser)', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an admin signs in and lands on the dashboard, with no console errors', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/', ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/');
    assert.match(await page.getByTestId('signed-in-as').innerText(), /admin@example\.test/);
    const nav = page.getByTestId('main-nav');
    for (const entry of ['users', 'roles', 'audit']) assert.equal(await nav.locator(`[data-nav="${entry}"]`).count(), 1, `menu shows ${entry}`);
    await page.getByTestId('hello-widget').waitFor();
    await screenshot(page, 'admin-dashboard');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a wrong password shows the API error and stays on the login page', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/', ADMIN.email, 'not-the-password-at-all');
    const alert = page.getByTestId('login-error');
    await alert.waitFor();
    assert.ok((await alert.innerText()).length > 0);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    await screenshot(page, 'admin-login-error');
    // The browser reports the 401 answer itself as a failed resource; nothing else may be logged.
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
    await page.context().close();
  });

  it('a user without a permission does not see its menu entry, and the API answers 403', async () => {
    const token = await adminToken(server);
    const support = { email: 'support@example.test', password: 'a-Long-unusual-Passphrase-42' };
    const created = await server.request('POST', '/api/v1/users', { token, body: { ...support, roles: ['support'] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/', support.email, support.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const nav = page.getByTestId('main-nav');
    assert.equal(await nav.locator('[data-nav="users"]').count(), 1, 'support may read users');
    assert.equal(await nav.locator('[data-nav="roles"]').count(), 0, 'support may not read roles');
    assert.equal(await nav.locator('[data-nav="audit"]').count(), 0, 'support may not read the audit log');

    // Typing the URL does not help either: the page is refused, and so is the API.
    await page.goto('/admin/roles');
    await page.getByRole('heading', { name: 'You do not have access to this page.' }).waitFor();
    // The browser's own token (the root tsconfig has no DOM types, hence the narrow cast).
    const stored = await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('mpanel.admin.tokens'));
    const accessToken = (JSON.parse(stored ?? '{}') as { accessToken?: string }).accessToken;
    const roles = await server.request('GET', '/api/v1/roles', { token: accessToken! });
    assert.equal(roles.status, 403);
    await screenshot(page, 'support-forbidden');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('lists are server-paginated with their state in the URL', async () => {
    const token = await adminToken(server);
    for (let i = 0; i < 3; i++) {
      const res = await server.request('POST', '/api/v1/users', { token, body: { email: `list${i}@example.test`, password: 'a-Long-unusual-Passphrase-42', roles: ['support'] } });
      assert.equal(res.status, 201);
    }
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/users?perPage=2', ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.locator('table.mp-table tbody tr').first().waitFor();
    assert.equal(await page.locator('table.mp-table tbody tr').count(), 2);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/page=2/);
    assert.match(page.url(), /perPage=2/);
    await page.getByText(/Page 2 of/).waitFor();
    await screenshot(page, 'admin-users');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('API validation details are shown on the form fields', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/users', ADMIN.email, ADMIN.password);
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('x');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const fieldError = page.locator('#user-email-error, #user-password-error').first();
    await fieldError.waitFor();
    assert.ok((await fieldError.innerText()).length > 0);
    await screenshot(page, 'admin-user-validation');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    await page.context().close();
  });

  it('a runtime plugin panel loads, a crashing widget and a broken plugin only show notices', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/', ADMIN.email, ADMIN.password);
    await page.getByTestId('hello-widget').waitFor();
    assert.match(await page.getByTestId('hello-widget').innerText(), /Hello from a runtime plugin, admin@example\.test/);
    await page.locator('[data-plugin-error="broken"]').first().waitFor();
    await page.locator('[data-widget="hello:crash"] [data-plugin-error="hello"]').waitFor();
    // Menu entries from the manifest render without plugin JS; the one needing a missing permission does not.
    const nav = page.getByTestId('main-nav');
    assert.equal(await nav.locator('[data-nav="hello:hello-page"]').count(), 1);
    assert.equal(await nav.locator('[data-nav="hello:hidden"]').count(), 0);
    await nav.locator('[data-nav="hello:hello-page"]').click();
    await page.getByRole('heading', { name: 'Hello page' }).waitFor();
    // The rest of the app still works after the failures.
    await page.getByTestId('main-nav').locator('[data-nav="users"]').click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await screenshot(page, 'admin-plugin-page');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('the client portal serves its own login page', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await page.goto('/client/invoices');
    await page.getByRole('heading', { name: 'Client portal' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/client/login');
    await screenshot(page, 'portal-login');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

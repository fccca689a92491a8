import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, watchedPage } from './support/browser.ts';
import { adminToken, startUiServer } from './support/ui-server.ts';

const TENANT = { slug: 'no-billing', admin: { email: 'admin@no-billing.test', password: 'a-Long-unusual-Passphrase-77' } };

/**
 * Billing's screens are its plugin's: a tenant that disabled billing gets its UI module no more,
 * so no billing menu, widget or page — and the platform's own screens work as before.
 */
describe('a tenant with billing disabled (browser)', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    const created = await server.request('POST', '/api/v1/tenants', { token: await adminToken(server), body: { name: 'No billing', slug: TENANT.slug, admin: TENANT.admin } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const login = await server.request('POST', '/api/v1/auth/login', { body: { ...TENANT.admin, tenant: TENANT.slug } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const disabled = await server.request('POST', '/api/v1/plugins/billing/disable', { token: login.body.data.accessToken });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has no billing menu, widget or page; the platform screens still open', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await page.goto('/admin/');
    await page.getByLabel('Email').fill(TENANT.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(TENANT.admin.password);
    await page.getByLabel('Company (optional)').fill(TENANT.slug);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.locator('[data-plugins="ready"]').waitFor();
    const nav = page.getByTestId('main-nav');
    const menu = await nav.locator('a[data-nav]').evaluateAll((links) => links.map((a) => a.getAttribute('data-nav')!));
    assert.ok(menu.includes('users') && menu.includes('pluginList'), menu.join(', '));
    const billingScreens = /^(billing:)?(clients|products|orders|invoices|services|coupons|tax-rules|billingRun)$|^billing:/;
    assert.deepEqual(menu.filter((id) => billingScreens.test(id)), [], 'no billing menu entry');
    assert.equal(await nav.getByRole('heading', { name: 'Billing' }).count(), 0, 'no billing menu group');
    assert.equal(await page.locator('[data-widget^="billing:"]').count(), 0, 'no billing widget');
    assert.equal(await page.locator('[data-metric="revenue"]').count(), 0);

    // Billing's URLs are not found here (the plugin that owns them is off for this tenant).
    await page.goto('/admin/clients');
    await page.locator('[data-plugins="ready"]').waitFor();
    await page.getByRole('heading', { name: 'Page not found.' }).waitFor();
    await page.goto('/admin/billing-run');
    await page.getByRole('heading', { name: 'Page not found.' }).waitFor();

    await nav.locator('[data-nav="users"]').click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('cell', { name: TENANT.admin.email }).waitFor();
    await nav.locator('[data-nav="pluginList"]').click();
    await page.getByRole('heading', { name: 'Plugins', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

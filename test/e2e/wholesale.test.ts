import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTenantWithAdmin, createUser, superAdminToken, type TenantWithAdmin } from '../../core/src/testing/auth.ts';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { accessibilityViolations } from './support/axe.ts';
import { launchBrowser, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { startUiServer } from './support/ui-server.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Wholesale in the browser: the parent creates an offer on its screen (field messages first), a
 * second offer is deleted through the confirmation dialog, the reseller sees the offer in its
 * catalogue and adopts it at its own price, and once a sale is invoiced the parent's report and
 * the reseller's wholesale account show the numbers. Menu entries follow the permissions.
 */
describe('wholesale screens (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let parent: TenantWithAdmin;
  let reseller: TenantWithAdmin;
  let productId = '';
  let adoptedId = '';

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    const root = await superAdminToken(server);
    parent = await createTenantWithAdmin(server, { slug: 'e2e-ws-parent', name: 'Parent Cloud', isReseller: true, asToken: root });
    reseller = await createTenantWithAdmin(server, { slug: 'e2e-ws-reseller', name: 'Reseller One', parentTenantId: parent.tenant.id, asToken: root });
    await server.knex('tenants').where({ id: reseller.tenant.id }).update({ is_reseller: true });
    const product = await server.request('POST', '/api/v1/products', { token: parent.token, body: { name: 'Cloud Backup', type: 'other', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 2000 }] } });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    productId = product.body.data.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(who: { email: string; password: string }, tenant: string): Promise<{ page: Page; errors: string[] }> {
    const watched = await watchedPage(browser, server.url);
    await watched.page.goto('/admin/login');
    await watched.page.getByLabel('Email').fill(who.email);
    await watched.page.getByLabel('Password', { exact: true }).fill(who.password);
    await watched.page.getByLabel('Company (optional)').fill(tenant);
    await watched.page.getByRole('button', { name: 'Sign in' }).click();
    await watched.page.getByTestId('signed-in-as').waitFor();
    return watched;
  }
  const menuOf = (page: Page) => page.getByTestId('main-nav').locator('a[data-nav]').evaluateAll((links) => links.map((a) => a.getAttribute('data-nav')!));
  /** axe on the page once the success toasts are gone (they are the host's, checked by its own walk). */
  async function assertAccessible(page: Page, name: string): Promise<void> {
    await page.locator('.p-toast-message').first().waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(await accessibilityViolations(page), [], name);
  }

  it('the parent creates an offer on the screen (field messages first) and deletes another through the dialog', async () => {
    const { page, errors } = await signIn(parent.admin, 'e2e-ws-parent');
    await page.getByTestId('main-nav').locator('[data-nav="billing:wholesale-offers"]').click();
    await page.getByRole('heading', { name: 'Wholesale offers' }).waitFor();
    await page.getByTestId('list-create').click();
    await page.getByRole('heading', { name: 'New wholesale offer' }).waitFor();
    await page.getByLabel('Product').selectOption({ label: 'Cloud Backup' });
    await page.locator('#offer-price-monthly').fill('abc');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#offer-price-monthly-error').waitFor();
    await page.locator('#offer-reseller-error').waitFor();
    assert.equal(await server.knex('wholesale_offers').count({ n: '*' }).first().then((r) => Number(r!.n)), 0, 'nothing sent while fields are wrong');
    await assertAccessible(page, 'offer form with errors');
    await page.getByLabel('Reseller', { exact: true }).selectOption({ label: 'Reseller One' });
    await page.locator('#offer-price-monthly').fill('7.00');
    await page.locator('#offer-price-annually').fill('70');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/admin\/wholesale-offers$/);
    const row = page.locator('tr', { hasText: 'Reseller One' });
    await row.getByText('$7.00 / monthly, $70.00 / annually').waitFor();
    await row.getByText('active').waitFor();
    const offers = await server.knex('wholesale_offers').select('prices', 'child_tenant_id', 'product_id');
    assert.deepEqual(offers, [{ prices: { monthly: 700, annually: 7000 }, child_tenant_id: reseller.tenant.id, product_id: productId }]);
    await assertAccessible(page, 'offers list');

    // A second offer (to a group) goes through the dialog that names it; the first stays.
    const group = await server.request('POST', '/api/v1/wholesale-groups', { token: parent.token, body: { name: 'Gold', memberTenantIds: [reseller.tenant.id] } });
    await server.request('POST', '/api/v1/wholesale-offers', { token: parent.token, body: { productId, groupId: group.body.data.id, currency: 'USD', prices: { monthly: 500 } } });
    await page.reload();
    const goldRow = page.locator('tr', { hasText: 'Gold' });
    await goldRow.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Delete the wholesale offer Cloud Backup → Gold?').waitFor();
    await assertAccessible(page, 'delete dialog');
    await dialog.getByTestId('confirm-yes').click();
    await goldRow.waitFor({ state: 'detached' });
    assert.equal(await server.knex('wholesale_offers').count({ n: '*' }).first().then((r) => Number(r!.n)), 1);

    // Edit the offer's prices; retire it and bring it back (the row says so each time).
    await page.getByRole('link', { name: 'Cloud Backup' }).click();
    await page.getByRole('heading', { name: 'Edit wholesale offer' }).waitFor();
    assert.equal(await page.locator('#offer-price-annually').inputValue(), '70.00');
    await page.locator('#offer-price-annually').fill('75');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/admin\/wholesale-offers$/);
    await row.getByText('$7.00 / monthly, $75.00 / annually').waitFor();
    await row.getByRole('button', { name: 'Retire Cloud Backup → Reseller One' }).click();
    await row.getByText('retired').waitFor();
    assert.equal((await server.knex('wholesale_offers').first('active')).active, false);
    await row.getByRole('button', { name: 'Reactivate Cloud Backup → Reseller One' }).click();
    await row.getByText('active').waitFor();
    assert.deepEqual(await server.knex('wholesale_offers').first('active', 'prices'), { active: true, prices: { monthly: 700, annually: 7500 } });

    // The groups list and form open with the group.
    await page.getByTestId('main-nav').locator('[data-nav="billing:wholesale-groups"]').click();
    await page.getByRole('link', { name: 'Gold' }).click();
    await page.getByRole('heading', { name: 'Edit reseller group' }).waitFor();
    assert.equal(await page.getByLabel('Reseller One').isChecked(), true);
    await assertAccessible(page, 'group form');
    await screenshot(page, 'wholesale-group');
    assert.deepEqual(unexpected(errors), []);
    await page.context().close();
  });

  it('the reseller sees the offer at its wholesale price and adopts it at its own price', async () => {
    const { page, errors } = await signIn(reseller.admin, 'e2e-ws-reseller');
    await page.getByTestId('main-nav').locator('[data-nav="billing:wholesaleCatalogue"]').click();
    await page.getByRole('heading', { name: 'Wholesale catalogue' }).waitFor();
    const row = page.locator('tr[data-offer="Cloud Backup"]');
    await row.getByText('$7.00 / monthly, $75.00 / annually').waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /\$20\.00/, 'never the parent\'s retail price');
    await assertAccessible(page, 'catalogue');
    await row.getByRole('button', { name: 'Adopt Cloud Backup' }).click();
    const form = page.getByTestId('adopt-form');
    await form.getByLabel('Product name for your clients').fill('My Backup');
    await form.locator('#adopt-price-monthly').fill('15');
    await assertAccessible(page, 'adopt form');
    await form.getByRole('button', { name: 'Adopt' }).click();
    await page.waitForURL(new RegExp(`/admin/products/${UUID}$`));
    adoptedId = new URL(page.url()).pathname.split('/').pop()!;
    const product = await server.knex('products').where({ id: adoptedId }).first('name', 'tenant_id', 'wholesale_offer_id');
    assert.equal(product.name, 'My Backup');
    assert.equal(product.tenant_id, reseller.tenant.id);
    assert.ok(product.wholesale_offer_id);
    assert.deepEqual(unexpected(errors), []);
    await page.context().close();
  });

  it('after a sale is invoiced, the parent\'s report and the reseller\'s wholesale account show the numbers', async () => {
    const post = async (token: string, path: string, body: unknown) => {
      const res = await server.request('POST', `/api/v1${path}`, { token, body });
      assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    const client = await post(reseller.token, '/clients', { email: 'end@customer.test', firstName: 'End', lastName: 'Customer', country: 'US', currency: 'USD' });
    const order = await post(reseller.token, '/orders', { clientId: client.id, items: [{ productId: adoptedId, cycle: 'monthly', domain: 'shop.customer.test' }] });
    await post(reseller.token, `/invoices/${order.invoice.id}/payments`, { amount: 1500, gateway: 'bank', transactionId: 'e2e-ws-1' });
    await post(parent.token, '/billing/runs', {});

    const parentSide = await signIn(parent.admin, 'e2e-ws-parent');
    await parentSide.page.getByTestId('main-nav').locator('[data-nav="billing:wholesaleReport"]').click();
    const line = parentSide.page.locator('[data-testid="wholesale-report"] tr[data-reseller="Reseller One"]');
    await line.waitFor();
    assert.deepEqual(await line.locator('th, td').allInnerTexts(), ['Reseller One', '1', '$7.00', '$15.00', '$8.00', '53.33 %']);
    await assertAccessible(parentSide.page, 'report');
    // Another month: the reseller's line with nothing charged or sold in it.
    await parentSide.page.getByLabel('Month').fill('2001-01');
    await line.getByText('–').waitFor();
    assert.deepEqual(await line.locator('th, td').allInnerTexts(), ['Reseller One', '0', '$0.00', '$0.00', '$0.00', '–']);
    await screenshot(parentSide.page, 'wholesale-report');
    assert.deepEqual(unexpected(parentSide.errors), []);
    await parentSide.page.context().close();

    const resellerSide = await signIn(reseller.admin, 'e2e-ws-reseller');
    await resellerSide.page.getByTestId('main-nav').locator('[data-nav="billing:wholesaleAccount"]').click();
    await resellerSide.page.getByTestId('wholesale-balance').getByText('$7.00').waitFor();
    const invoiceRow = resellerSide.page.locator('[data-testid="wholesale-invoices"] tbody tr');
    assert.equal(await invoiceRow.count(), 1);
    const cells = await invoiceRow.locator('th, td').allInnerTexts();
    assert.deepEqual([cells[3], cells[4], cells[5]], ['$7.00', '$7.00', 'unpaid']);
    await assertAccessible(resellerSide.page, 'wholesale account');
    const [download] = await Promise.all([resellerSide.page.waitForEvent('download'), invoiceRow.getByRole('button', { name: /Download PDF/ }).click()]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const bytes = await download.createReadStream().then(async (s) => { const chunks: Buffer[] = []; for await (const c of s) chunks.push(c as Buffer); return Buffer.concat(chunks); });
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    assert.deepEqual(unexpected(resellerSide.errors), []);
    await resellerSide.page.context().close();
  });

  it('menu entries follow the permissions: the parent\'s billing clerk sees no wholesale screen', async () => {
    const clerk = await createUser(server, parent.token, ['billing'], { tenant: 'e2e-ws-parent' });
    const { page } = await signIn(clerk, 'e2e-ws-parent');
    await page.getByTestId('main-nav').locator('[data-nav="billing:invoices"]').waitFor();
    const menu = await menuOf(page);
    assert.ok(menu.includes('billing:invoices'), menu.join(', '));
    assert.deepEqual(menu.filter((m) => m.includes('wholesale')), []);
    await page.context().close();
    const admin = await signIn(parent.admin, 'e2e-ws-parent');
    await admin.page.getByTestId('main-nav').locator('[data-nav="billing:wholesaleAccount"]').waitFor();
    assert.deepEqual((await menuOf(admin.page)).filter((m) => m.includes('wholesale')),
      ['billing:wholesale-offers', 'billing:wholesale-groups', 'billing:wholesaleReport', 'billing:wholesaleCatalogue', 'billing:wholesaleAccount']);
    await admin.page.context().close();
  });
});

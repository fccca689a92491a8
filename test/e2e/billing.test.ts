import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, pathOf, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';
import { StripeStandIn } from './support/stripe-stand-in.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CLIENT = { email: 'ada@example.test', password: 'Analytical-Engine-1843' };
const OTHER = { email: 'grace@example.test', password: 'Compiler-Pioneer-1952' };

describe('billing screens and the client portal (browser)', () => {
  let stripe: StripeStandIn;
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let productId = '';
  let clientId = '';
  let otherInvoiceId = '';

  before(async () => {
    stripe = await new StripeStandIn().start();
    server = await startUiServer(undefined, [stripe.originsModule()]);
    browser = await launchBrowser();
    token = await adminToken(server);
    const account = stripe.addAccount();
    const settings = await server.request('PUT', '/api/v1/plugins/gateway-stripe/settings', {
      token,
      body: { secretKey: account.secretKey, publishableKey: account.publishableKey, webhookSecret: 'whsec_e2e' },
    });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await stripe?.close();
  });

  const orderFor = async (client: string) => {
    const res = await server.request('POST', '/api/v1/orders', { token, body: { clientId: client, items: [{ productId, cycle: 'monthly' }] } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data.invoice as { id: string; number: string };
  };

  it('an admin creates a product and a client, places an order, records a payment and sees the invoice paid', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/products', ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await page.getByTestId('list-create').click();
    await page.getByRole('heading', { name: 'New product' }).waitFor();
    await page.getByLabel('Name').fill('Shared hosting');
    await page.locator('#price-0-amount').fill('9.99');
    await page.getByRole('button', { name: 'Add a price' }).click();
    await page.locator('#price-1-amount').fill('99');
    await screenshot(page, 'admin-product-form');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/admin\/products$/);
    await page.getByRole('link', { name: 'Shared hosting' }).waitFor();
    const products = await server.request('GET', '/api/v1/products', { token });
    const product = products.body.data.find((p: { name: string }) => p.name === 'Shared hosting');
    productId = product.id;
    assert.deepEqual(product.pricing.map((p: { amount: number; cycle: string }) => [p.cycle, p.amount]).sort(), [['annually', 9900], ['monthly', 999]]);

    // A new client: the API's field messages show on the form first (a lower-case country).
    await page.getByTestId('main-nav').locator('[data-nav="billing:clients"]').click();
    await page.getByTestId('list-create').click();
    await page.getByLabel('Email').fill(CLIENT.email);
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await page.getByLabel('Country').fill('G');
    await page.getByLabel('Portal password').fill(CLIENT.password);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#create-country-error').waitFor();
    await page.getByLabel('Country').fill('GB');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(new RegExp(`/admin/clients/${UUID}$`));
    clientId = pathOf(page).split('/').pop()!;
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    await screenshot(page, 'admin-client');

    await page.getByRole('link', { name: 'Place an order' }).click();
    await page.getByRole('heading', { name: 'Place an order' }).waitFor();
    assert.equal(await page.getByLabel('Client').inputValue(), clientId);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(new RegExp(`/admin/invoices/${UUID}$`));
    await page.getByTestId('invoice-status').getByText('unpaid').waitFor();
    await page.getByText('Shared hosting').first().waitFor();
    // gateway-manual's runtime panel shows the bank-transfer instructions on the unpaid invoice.
    await page.getByTestId('manual-instructions').waitFor();

    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByLabel('Reference').fill('BANK-0001');
    await page.locator('form').getByRole('button', { name: 'Record payment' }).click();
    await page.getByTestId('invoice-status').getByText('paid', { exact: true }).waitFor();
    await page.getByTestId('invoice-payments').getByText('BANK-0001').waitFor();
    assert.equal(await page.getByTestId('manual-instructions').count(), 0, 'nothing left to transfer: the panel steps aside');
    await screenshot(page, 'admin-invoice-paid');
    const invoiceId = pathOf(page).split('/').pop()!;
    const invoice = await server.request('GET', `/api/v1/invoices/${invoiceId}`, { token });
    assert.equal(invoice.body.data.status, 'paid');
    assert.equal(invoice.body.data.payments[0].transactionId, 'BANK-0001');

    await page.getByTestId('main-nav').locator('[data-nav="billing:billingRun"]').click();
    await page.getByRole('button', { name: 'Run billing now' }).click();
    await page.getByTestId('run-result').waitFor();
    await screenshot(page, 'admin-billing-run');
    // The browser logs the 400 of the country the API refused; nothing else may be logged.
    assert.deepEqual(unexpected(errors, 400), []);
    await page.context().close();
  });

  it("a client signs into the portal and sees only its own invoice; another client's invoice is not found", async () => {
    const other = await server.request('POST', '/api/v1/clients', { token, body: { email: OTHER.email, firstName: 'Grace', lastName: 'Hopper', country: 'US', password: OTHER.password } });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    otherInvoiceId = (await orderFor(other.body.data.id)).id;

    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/client/invoices', CLIENT.email, CLIENT.password);
    await page.getByRole('heading', { name: 'Your invoices' }).waitFor();
    await page.locator('table.mp-table tbody tr').first().waitFor();
    assert.equal(await page.locator('table.mp-table tbody tr').count(), 1);
    assert.match(await page.locator('table.mp-table tbody tr').innerText(), /paid/);
    await screenshot(page, 'portal-invoices');

    await page.goto(`/client/invoices/${otherInvoiceId}`);
    await page.getByText('Page not found.').waitFor();
    const stored = await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('mpanel.portal.tokens'));
    const clientToken = (JSON.parse(stored ?? '{}') as { accessToken?: string }).accessToken!;
    assert.equal((await server.request('GET', `/api/v1/invoices/${otherInvoiceId}`, { token: clientToken })).status, 404);
    await screenshot(page, 'portal-other-invoice');
    assert.deepEqual(unexpected(errors, 404), []);
    await page.context().close();
  });

  it('a client pays an invoice with the Payment Element (stand-in Stripe.js, real server side) and sees it paid', async () => {
    const invoice = await orderFor(clientId);
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, `/client/invoices/${invoice.id}`, CLIENT.email, CLIENT.password);
    await page.getByTestId('invoice-status').getByText('unpaid').waitFor();
    await page.getByTestId('manual-instructions').waitFor();
    assert.match(await page.getByTestId('manual-instructions').innerText(), new RegExp(invoice.number));
    await page.getByRole('button', { name: 'Pay with Card (Stripe)' }).click();
    await page.getByTestId('stand-in-card').waitFor();
    await screenshot(page, 'portal-pay');
    await page.getByTestId('pay-now').click();
    await page.getByTestId('invoice-status').getByText('paid', { exact: true }).waitFor();
    await screenshot(page, 'portal-invoice-paid');
    const paid = await server.request('GET', `/api/v1/invoices/${invoice.id}`, { token });
    assert.equal(paid.body.data.status, 'paid');
    assert.equal(paid.body.data.payments[0].gateway, 'stripe');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a client orders from the catalogue and the portal dashboard shows the open invoice', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/client/order', CLIENT.email, CLIENT.password);
    await page.getByRole('heading', { name: 'Order a service' }).waitFor();
    const annually = await page.locator('#order-price option', { hasText: 'annually' }).getAttribute('value');
    await page.getByLabel('Cycle').selectOption(annually!);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(new RegExp(`/client/invoices/${UUID}$`));
    await page.getByTestId('invoice-status').getByText('unpaid').waitFor();
    await page.getByTestId('main-nav').locator('[data-nav="portalHome"]').click();
    await page.locator('[data-metric="open-invoices"]').getByText('1', { exact: true }).waitFor();
    await screenshot(page, 'portal-dashboard');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a user without billing.run does not see "Run billing", and the API answers 403', async () => {
    const support = { email: 'support-billing@example.test', password: 'a-Long-unusual-Passphrase-42' };
    assert.equal((await server.request('POST', '/api/v1/users', { token, body: { ...support, roles: ['support'] } })).status, 201);
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/', support.email, support.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // Billing's menu comes with its UI module: count once the plugins have loaded.
    await page.locator('[data-plugins="ready"]').waitFor();
    const nav = page.getByTestId('main-nav');
    assert.equal(await nav.locator('[data-nav="billing:clients"]').count(), 1, 'support reads clients');
    assert.equal(await nav.locator('[data-nav="billing:billingRun"]').count(), 0);
    await page.goto('/admin/billing-run');
    await page.getByRole('heading', { name: 'You do not have access to this page.' }).waitFor();
    const login = await server.request('POST', '/api/v1/auth/login', { body: support });
    assert.equal((await server.request('POST', '/api/v1/billing/runs', { token: login.body.data.accessToken, body: {} })).status, 403);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { currentTotp } from '../../core/src/identity/two-factor/totp.ts';
import { launchBrowser, logIn, pathOf, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

const CLIENT = { email: 'alan@example.test', password: 'Bombe-Enigma-1940', firstName: 'Alan', lastName: 'Turing', country: 'GB', currency: 'EUR' };
const NEW_PASSWORD = 'Universal-Machine-1936';

describe('account, invoice and service actions (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let clientId = '';
  const productIds: Record<string, string> = {};

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    token = await adminToken(server);
    for (const [name, amount] of [['Starter', 999], ['Business', 1999]] as const) {
      const res = await server.request('POST', '/api/v1/products', { token, body: { name, type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount }] } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      productIds[name] = res.body.data.id as string;
    }
    const client = await server.request('POST', '/api/v1/clients', { token, body: CLIENT });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    clientId = client.body.data.id as string;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** An order of Starter for the client, paid by bank transfer: a paid invoice and an active service. */
  const paidOrder = async (reference: string) => {
    const order = await server.request('POST', '/api/v1/orders', { token, body: { clientId, items: [{ productId: productIds.Starter, cycle: 'monthly' }] } });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const invoice = order.body.data.invoice as { id: string; total: number };
    const paid = await server.request('POST', `/api/v1/invoices/${invoice.id}/payments`, { token, body: { amount: invoice.total, gateway: 'bank-transfer', transactionId: reference } });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    assert.equal(paid.body.data.status, 'paid');
    return invoice;
  };

  it('a client changes its password (a wrong current one is refused on its field), then turns on two-factor, which the next sign-in asks for', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/client/account', CLIENT.email, CLIENT.password);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    // A wrong current password: the API's `details` message is shown on that field.
    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save' }).click();
    const fieldError = page.locator('#pw-current-error');
    await fieldError.waitFor();
    assert.equal(await fieldError.innerText(), 'is wrong');
    assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'portal-password-wrong');
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { email: CLIENT.email, password: CLIENT.password } })).status, 200, 'the password is unchanged');

    // The right one: changed, every session ends, and the portal asks to sign in again.
    await page.getByLabel('Current password').fill(CLIENT.password);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/client\/login\?notice=password-changed$/);
    assert.equal(await page.getByTestId('login-notice').innerText(), 'Password changed: sign in again.');
    assert.equal((await server.request('POST', '/api/v1/auth/login', { body: { email: CLIENT.email, password: CLIENT.password } })).status, 401, 'the old password no longer works');
    await logIn(page, '/client/account', CLIENT.email, NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    // Two-factor: the key is shown, the code an authenticator app would show confirms it.
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await page.getByLabel('Code', { exact: true }).fill(currentTotp(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Recovery codes: keep them somewhere safe, each works once.').waitFor();
    const codes = await page.locator('li code').allInnerTexts();
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, /^[0-9a-f]{5}-[0-9a-f]{5}$/);
    await screenshot(page, 'portal-two-factor-on');
    const challenge = await server.request('POST', '/api/v1/auth/login', { body: { email: CLIENT.email, password: NEW_PASSWORD } });
    assert.equal(challenge.body.details?.totp, 'is required', 'the API wants a code now');

    // The next sign-in asks for a code (the confirming one is spent: the next 30-second step's).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/client\/login$/);
    await logIn(page, '/client/', CLIENT.email, NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await screenshot(page, 'portal-login-code');
    await page.getByLabel('Authentication code').fill(currentTotp(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: `Welcome, ${CLIENT.email}` }).waitFor();
    assert.equal(pathOf(page), '/client/');
    // The refused password (400), the old session's refused refresh/logout (401) and the code asked for.
    assert.deepEqual(unexpected(errors, 400, 401), []);
    await page.context().close();
  });

  it('on a paid invoice an admin refunds part of it, issues a credit note that becomes client credit, and downloads the PDF', async () => {
    const invoice = await paidOrder('BANK-REFUND-1');
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, `/admin/invoices/${invoice.id}`, ADMIN.email, ADMIN.password);
    await page.getByTestId('invoice-status').getByText('paid', { exact: true }).waitFor();

    // A partial refund: the invoice stays paid, the refund is listed and the payment shows it.
    await page.getByRole('button', { name: 'Refund' }).click();
    await page.locator('#refund-amount').fill('2.50');
    await page.locator('#refund-reason').fill('Goodwill');
    await page.locator('form').getByRole('button', { name: 'Refund' }).click();
    await page.getByTestId('invoice-refunds').getByText(/2\.50.*bank-transfer — Goodwill/).waitFor();
    assert.match(await page.getByTestId('invoice-payments').innerText(), /BANK-REFUND-1[\s\S]*9\.99[\s\S]*2\.50/);
    assert.equal(await page.getByTestId('invoice-status').innerText(), 'paid');
    await screenshot(page, 'admin-invoice-refund');
    const refunded = await server.request('GET', `/api/v1/invoices/${invoice.id}`, { token });
    assert.equal(refunded.body.data.status, 'paid');
    assert.equal(refunded.body.data.amountPaid, 749);
    assert.deepEqual(refunded.body.data.refunds.map((r: { amount: number; reason: string }) => [r.amount, r.reason]), [[250, 'Goodwill']]);

    // More than the invoice has left to credit is refused on the amount field.
    await page.getByRole('button', { name: 'Issue credit note' }).click();
    await page.locator('#credit-amount').fill('50');
    await page.locator('#credit-reason').fill('Outage');
    await page.locator('form').getByRole('button', { name: 'Issue credit note' }).click();
    await page.locator('#credit-amount-error').getByText('at most 999 of this invoice is left to credit').waitFor();
    // A credit note on a paid invoice: nothing is due, so all of it becomes the client's credit.
    await page.locator('#credit-amount').fill('3');
    await page.locator('form').getByRole('button', { name: 'Issue credit note' }).click();
    const issued = page.getByTestId('credit-note-issued');
    await issued.waitFor();
    assert.match(await issued.innerText(), /^Credit note \S+ issued: €0\.00 off the amount due, €3\.00 to the client's credit\./);
    await screenshot(page, 'admin-invoice-credit-note');
    const credit = await server.request('GET', `/api/v1/clients/${clientId}/credit`, { token });
    assert.equal(credit.body.data.balance, 300);
    const notes = await server.request('GET', `/api/v1/invoices?clientId=${clientId}`, { token });
    const note = notes.body.data.find((i: { kind: string }) => i.kind === 'credit_note');
    assert.equal(note.total, 300);
    assert.match(await issued.innerText(), new RegExp(`Credit note ${note.number} issued`));

    // The PDF: the browser gets a download that is a PDF file, and the API serves it as one.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const file = await readFile((await download.path())!);
    assert.equal(file.subarray(0, 5).toString('latin1'), '%PDF-');
    const res = await fetch(`${server.url}/api/v1/invoices/${invoice.id}/pdf`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString('latin1'), '%PDF-');

    // The credit note is a document of its own; the client's page shows the credit.
    await issued.getByRole('link', { name: 'Open the credit note' }).click();
    await page.waitForURL(new RegExp(`/admin/invoices/${note.id}$`));
    await page.getByRole('heading', { name: `Invoice ${note.number}` }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Issue credit note' }).count(), 0, 'a credit note is not credited again');
    await page.goto(`/admin/clients/${clientId}`);
    await page.getByTestId('client-credit').getByText('€3.00').waitFor();
    await screenshot(page, 'admin-client-credit');
    // The browser logs the 400 of the refused credit note amount; nothing else may be logged.
    assert.deepEqual(unexpected(errors, 400), []);
    await page.context().close();
  });

  it('an admin suspends, unsuspends, upgrades and terminates a service, each shown on screen and in the API', async () => {
    await paidOrder('BANK-SERVICE-1');
    const services = await server.request('GET', `/api/v1/services?clientId=${clientId}&status=active`, { token });
    const service = services.body.data[0] as { id: string };
    assert.ok(service, 'the paid order activated a service');
    const apiService = async () => (await server.request('GET', `/api/v1/services/${service.id}`, { token })).body.data as { status: string; productId: string; amount: number; suspendReason: string | null };

    const { page, errors } = await watchedPage(browser, server.url);
    page.on('dialog', (dialog) => void dialog.accept());
    await logIn(page, `/admin/services/${service.id}`, ADMIN.email, ADMIN.password);
    const status = page.getByTestId('service-status');
    await status.getByText('active', { exact: true }).waitFor();
    assert.equal(await page.getByTestId('service-product').innerText(), 'Starter');

    await page.getByRole('button', { name: 'Suspend' }).click();
    await status.getByText('suspended', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Upgrade / downgrade' }).count(), 0, 'a suspended service is not upgraded');
    await screenshot(page, 'admin-service-suspended');
    assert.equal((await apiService()).status, 'suspended');
    assert.equal((await apiService()).suspendReason, 'manual');

    await page.getByRole('button', { name: 'Unsuspend' }).click();
    await status.getByText('active', { exact: true }).waitFor();
    assert.equal((await apiService()).status, 'active');

    await page.getByRole('button', { name: 'Upgrade / downgrade' }).click();
    await page.locator('#upgrade-productId').selectOption({ label: 'Business' });
    await page.locator('#upgrade-cycle').selectOption('monthly');
    const answer = page.waitForResponse((r) => r.url().endsWith('/upgrade') && r.request().method() === 'POST');
    await page.locator('form').getByRole('button', { name: 'Upgrade / downgrade' }).click();
    // A plan change that costs money takes effect once its invoice is paid.
    const { data: change } = (await (await answer).json()) as { data: { invoiceId: string; pending: boolean } };
    await page.getByText('Plan change invoiced: it takes effect when the invoice is paid').waitFor();
    assert.deepEqual([change.pending, (await apiService()).productId], [true, productIds.Starter]);
    const upgradeInvoice = (await server.request('GET', `/api/v1/invoices/${change.invoiceId}`, { token })).body.data as { amountDue: number };
    assert.equal((await server.request('POST', `/api/v1/invoices/${change.invoiceId}/payments`, { token, body: { amount: upgradeInvoice.amountDue, gateway: 'bank-transfer', transactionId: 'BANK-UPGRADE-1' } })).status, 201);
    await page.reload();
    await page.getByTestId('service-product').getByText('Business').waitFor();
    await page.getByText('€19.99').waitFor();
    await screenshot(page, 'admin-service-upgraded');
    const upgraded = await apiService();
    assert.equal(upgraded.productId, productIds.Business);
    assert.equal(upgraded.amount, 1999);
    assert.equal(upgraded.status, 'active');

    await page.getByRole('button', { name: 'Terminate' }).click();
    await status.getByText('terminated', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Suspend' }).count(), 0, 'nothing is left to do with a terminated service');
    await screenshot(page, 'admin-service-terminated');
    assert.equal((await apiService()).status, 'terminated');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

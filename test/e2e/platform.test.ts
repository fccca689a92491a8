import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, screenshot, watch, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';
import { WebhookReceiver } from './support/webhook-receiver.ts';

const CLIENT = { email: 'linus@example.test', password: 'Penguin-Kernel-1991', firstName: 'Linus', lastName: 'Torvalds', country: 'FI', currency: 'EUR' };

describe('platform screens (browser): webhooks and log in as client', () => {
  let receiver: WebhookReceiver;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    receiver = await new WebhookReceiver().start();
    // The receiver listens on 127.0.0.1, which the SSRF guard refuses unless private targets are allowed.
    server = await startUiServer({ MPANEL_ALLOW_PRIVATE_WEBHOOKS: 'true' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
  });

  it('an admin creates a webhook and sees its delivery (and redelivers it), then logs in as a client and sees the portal with the banner', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/webhooks', ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByTestId('list-create').click();
    await page.getByRole('heading', { name: 'New webhook' }).waitFor();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Events').fill('client.created');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByTestId('webhook-secret').waitFor();
    const webhookPath = new URL(page.url()).pathname;
    assert.match(webhookPath, /^\/admin\/webhooks\/[0-9a-f-]{36}$/);

    // A client with a portal login: the event the webhook subscribes to, and the user to log in as.
    const token = await adminToken(server);
    const created = await server.request('POST', '/api/v1/clients', { token, body: CLIENT });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const clientId = created.body.data.id as string;

    const [hook] = await receiver.waitFor(1);
    assert.match(String(hook!.headers['mpanel-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.equal(hook!.body.type, 'client.created');
    assert.equal((hook!.body.data as { clientId?: string }).clientId, clientId);

    // The delivery log lists it once the delivery is recorded as succeeded.
    const deliveries = page.getByTestId('webhook-deliveries');
    for (;;) {
      await page.reload();
      await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
      const row = deliveries.locator('tbody tr', { hasText: 'client.created' });
      if ((await row.count()) && /succeeded/.test(await row.first().innerText())) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await screenshot(page, 'admin-webhook-deliveries');
    await deliveries.getByRole('button', { name: 'Redeliver' }).first().click();
    await receiver.waitFor(2);
    // The same delivery of the same event, sent again.
    assert.equal(receiver.received[1]!.body.id, receiver.received[0]!.body.id);
    assert.equal(receiver.received[1]!.headers['mpanel-delivery'], receiver.received[0]!.headers['mpanel-delivery']);

    // Log in as client: the portal opens in a new tab, as the client, with the staff banner.
    await page.goto(`/admin/clients/${clientId}`);
    await page.getByRole('heading', { name: 'Linus Torvalds' }).waitFor();
    const [portal] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('log-in-as-client').click()]);
    const portalErrors = watch(portal);
    const banner = portal.getByTestId('impersonation-banner');
    await banner.waitFor();
    assert.equal(await banner.innerText(), `Viewing as ${CLIENT.email} (staff: ${ADMIN.email})`);
    assert.equal(new URL(portal.url()).pathname.startsWith('/client'), true);
    assert.match(await portal.getByTestId('signed-in-as').innerText(), new RegExp(CLIENT.email.replace('.', '\\.')));
    await screenshot(portal, 'portal-impersonation');
    // The admin session is untouched: the portal session is stored apart.
    await page.reload();
    await page.getByRole('heading', { name: 'Linus Torvalds' }).waitFor();

    const audit = await server.request('GET', '/api/v1/audit-logs?action=user.impersonate', { token });
    assert.equal(audit.body.data.length, 1);
    assert.deepEqual(errors, []);
    assert.deepEqual(portalErrors, []);
    await page.context().close();
  });

  it('an admin creates a tenant and edits it, filters the audit log by URL, and saves mail settings without seeing the password', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/tenants/new', ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'New tenant' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Acme Hosting');
    await page.getByLabel('Slug').fill('acme-hosting');
    await page.getByLabel('Reseller').check();
    await page.getByLabel('First admin email').fill('owner@acme.test');
    await page.getByLabel('First admin password').fill('Road-Runner-Anvil-1949');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: 'Acme Hosting' }).waitFor();
    const tenantId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByLabel('Status').selectOption('suspended');
    await page.getByLabel('Require two-factor authentication for staff').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('tenant-status').getByText('suspended').waitFor();
    const token = await adminToken(server);
    const tenant = await server.request('GET', `/api/v1/tenants/${tenantId}`, { token });
    assert.equal(tenant.body.data.status, 'suspended');
    assert.equal(tenant.body.data.isReseller, true);
    assert.equal(tenant.body.data.settings.requireTwoFactorForStaff, true);
    await screenshot(page, 'admin-tenant');

    // A sub-tenant's parent is picked from the resellers by name.
    await page.goto('/admin/tenants/new');
    await page.getByLabel('Parent tenant').selectOption({ label: 'Acme Hosting' });
    await page.getByLabel('Name', { exact: true }).fill('Acme Customer');
    await page.getByLabel('Slug').fill('acme-customer');
    await page.getByLabel('First admin email').fill('owner@customer.test');
    await page.getByLabel('First admin password').fill('Road-Runner-Anvil-1950');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: 'Acme Customer' }).waitFor();
    await page.getByTestId('tenant-parent').getByRole('link', { name: 'Acme Hosting' }).waitFor();
    const sub = await server.request('GET', `/api/v1/tenants/${new URL(page.url()).pathname.split('/').pop()!}`, { token });
    assert.equal(sub.body.data.parentTenantId, tenantId);

    // The audit filters live in the URL: a shared link shows the same filtered list.
    await page.goto(`/admin/audit?action=tenant.*&targetId=${tenantId}`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const rows = page.locator('table.mp-table tbody tr');
    await rows.first().waitFor();
    assert.deepEqual((await rows.allInnerTexts()).map((r) => r.split('\t')[1]?.trim()).sort(), ['tenant.created', 'tenant.updated']);
    assert.equal(await page.getByLabel('Target id').inputValue(), tenantId);
    await page.getByLabel('Action').fill('tenant.updated');
    await page.getByLabel('Action').press('Enter');
    await page.waitForURL(/action=tenant\.updated/);
    await page.getByText('1 results').waitFor();

    await page.goto('/admin/mail');
    await page.getByRole('heading', { name: 'Mail settings' }).waitFor();
    await page.getByLabel('SMTP host').fill('smtp.example.test');
    await page.getByLabel('Port').fill('587');
    await page.getByLabel('Password').fill('smtp-secret-value');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('A value is stored; leave empty to keep it').waitFor();
    assert.equal(await page.getByLabel('Password').inputValue(), '');
    assert.equal(await page.getByLabel('SMTP host').inputValue(), 'smtp.example.test');
    const mail = await server.request('GET', '/api/v1/mail/settings', { token });
    assert.equal(mail.body.data.host, 'smtp.example.test');
    assert.equal(mail.body.data.port, 587);
    assert.equal(mail.body.data.passwordSet, true);
    assert.equal(JSON.stringify(mail.body.data).includes('smtp-secret-value'), false);
    await screenshot(page, 'admin-mail-settings');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

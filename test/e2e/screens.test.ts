import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { accessibilityViolations } from './support/axe.ts';
import { seedHosting, type HostingSeed } from './support/hosting-seed.ts';
import { launchBrowser, logIn, screenshot, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

const CLIENT = { email: 'walker@example.test', password: 'Screen-Walker-Passphrase-7' };

/** Signs in and waits for the signed-in frame. */
async function signIn(page: Page, path: string, who: { email: string; password: string }): Promise<void> {
  await logIn(page, path, who.email, who.password);
  await page.getByTestId('signed-in-as').waitFor();
}

/** The little of the browser's globals this file reads (it compiles without DOM types). */
interface PageGlobals {
  document: { querySelector(selector: string): unknown; getAnimations(): Array<{ playState: string }> };
}

/** What has the keyboard focus: its text, id and menu entry (browser code as a string: no DOM types here). */
const focused = (page: Page, what: 'text' | 'id' | 'nav') =>
  page.evaluate(`(document.activeElement?.${{ text: 'textContent?.trim()', id: 'id', nav: "getAttribute('data-nav')" }[what]}) ?? null`);

/** Waits until the screen has a heading and no loading state left. */
async function settled(page: Page): Promise<string> {
  const heading = page.locator('main h1').first();
  await heading.waitFor();
  // Plugins' menu entries and pages (billing's) arrive with their UI modules.
  if (await page.locator('.mp-shell').count()) await page.locator('.mp-shell[data-plugins="ready"]').waitFor();
  await page.waitForFunction(() => !(globalThis as unknown as PageGlobals).document.querySelector('main .mp-state[role="status"] .p-progressspinner'));
  // Plugin notices fade in: contrast is judged once they are opaque.
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getAnimations().every((a) => a.playState !== 'running'));
  return heading.innerText();
}

/**
 * Every screen a user can reach from the menu, and the record pages behind them: each opens with
 * a heading, settles out of its loading state, logs no console error, and passes axe-core's
 * WCAG 2.1 A/AA checks (labelled controls, names, contrast).
 */
describe('every screen (browser): headings, no console errors, accessibility, keyboard', () => {
  let server: TestServer;
  let browser: Browser;
  let token: string;
  const ids: Record<string, string> = {};
  let hosting: HostingSeed;

  before(async () => {
    // The webhook's target is never called in this file; the guard only needs it to be allowed.
    server = await startUiServer({ MPANEL_ALLOW_PRIVATE_WEBHOOKS: 'true' });
    browser = await launchBrowser();
    token = await adminToken(server);
    const post = async (path: string, body: unknown) => {
      const res = await server.request('POST', `/api/v1${path}`, { token, body });
      assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    const product = await post('/products', { name: 'Walk hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1200 }] });
    const client = await post('/clients', { email: CLIENT.email, firstName: 'Wal', lastName: 'Ker', country: 'US', currency: 'USD' });
    await post('/users', { ...CLIENT, roles: ['client'], clientId: client.id });
    const order = await post('/orders', { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly' }] });
    // Paid, so the service is active and a later billing date renews it.
    await post(`/invoices/${order.invoice.id}/payments`, { amount: order.invoice.total, gateway: 'manual', transactionId: 'WALK-1' });
    const webhook = await post('/webhooks', { url: 'http://127.0.0.1:9/mpanel', events: ['invoice.paid'] });
    Object.assign(ids, { product: product.id, client: client.id, invoice: order.invoice.id, service: order.services[0].id, webhook: webhook.id });
    // A workflow run that stopped for a person, with a completed and a failed step (no plugin defines it: it only has to show).
    const tenant = (await server.knex('tenants').where({ slug: 'default' }).first()) as { id: string };
    const [run] = (await server.knex('workflow_runs').insert({ tenant_id: tenant.id, name: 'walk.provision', owner: 'walk', subject: 'service:walk', status: 'needs_attention', last_error: 'point-dns: zone locked', started_at: new Date() }).returning('id')) as Array<{ id: string }>;
    await server.knex('workflow_steps').insert([
      { tenant_id: tenant.id, run_id: run!.id, position: 0, name: 'create-account', status: 'succeeded', attempts: 1, idempotency_key: `${run!.id}:create-account`, output_summary: JSON.stringify({ password: '[redacted]' }), started_at: new Date(), finished_at: new Date() },
      { tenant_id: tenant.id, run_id: run!.id, position: 1, name: 'point-dns', status: 'failed', attempts: 3, idempotency_key: `${run!.id}:point-dns`, last_error: 'zone locked', started_at: new Date(), finished_at: new Date() },
    ]);
    ids.workflow = run!.id;
    // The hosting plugin's record pages: a server, group, plan, account (with a website) and operations.
    hosting = await seedHosting(server, token, { client: client.id, service: order.services[0].id }, 'walk');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * Signed out: the area's login page; signed in: each menu entry in turn, then `pages` by URL.
   * Every screen must settle with a heading and no error state; axe's findings are collected.
   */
  async function walk(area: 'admin' | 'client', who: { email: string; password: string }, pages: string[]): Promise<{ menu: string[]; findings: string[] }> {
    const { page, errors } = await watchedPage(browser, server.url);
    const findings: string[] = [];
    const check = async (name: string) => {
      const heading = await settled(page);
      assert.ok(heading.trim().length > 0, `${name} has a heading`);
      assert.equal(await page.locator('main .mp-state-error').count(), 0, `${name} loaded without an error`);
      for (const v of await accessibilityViolations(page)) findings.push(`${name}: ${v}`);
    };
    await page.goto(`/${area}/login`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    for (const v of await accessibilityViolations(page)) findings.push(`login: ${v}`);
    await signIn(page, `/${area}/`, who);
    await settled(page);
    const menu = await page.getByTestId('main-nav').locator('a[data-nav]').evaluateAll((links) => links.map((a) => a.getAttribute('data-nav')!));
    for (const entry of menu) {
      await page.getByTestId('main-nav').locator(`a[data-nav="${entry}"]`).click();
      await check(`menu ${entry}`);
    }
    for (const path of pages) {
      await page.goto(path);
      await check(path);
    }
    await screenshot(page, `${area}-walk-last`);
    assert.deepEqual(errors, []);
    await page.context().close();
    return { menu, findings };
  }

  it('an admin opens every menu screen and record page', async function () {
    // Some forty screens (the hosting plugin's among them), each checked by axe: past mocha's default here.
    this.timeout(300_000);
    const { menu, findings } = await walk('admin', ADMIN, [
      `/admin/clients/${ids.client}`, `/admin/invoices/${ids.invoice}`, `/admin/services/${ids.service}`, `/admin/products/${ids.product}`,
      `/admin/webhooks/${ids.webhook}`, `/admin/workflows/${ids.workflow}`, '/admin/orders/new', '/admin/clients/new', '/admin/tenants/new', '/admin/users/new', '/admin/plugins/gateway-manual/settings',
      `/admin/servers/${hosting.server}`, `/admin/server-groups/${hosting.group}`, `/admin/hosting-plans/${hosting.plan}`, `/admin/hosting-accounts/${hosting.account}`,
      `/admin/provisioning/${hosting.operations.needs_attention}`, '/admin/provisioning?status=needs_attention', '/admin/servers/new', '/admin/server-groups/new', '/admin/hosting-plans/new',
    ]);
    assert.ok(menu.length >= 15, `the admin sees the whole menu (${menu.join(', ')})`);
    assert.deepEqual(findings, []);
  });

  it('a client opens every portal screen', async () => {
    const { menu, findings } = await walk('client', CLIENT, [`/client/invoices/${ids.invoice}`, `/client/hosting/${hosting.account}`]);
    assert.ok(menu.includes('billing:portalInvoices') && menu.includes('portalAccount'), menu.join(', '));
    assert.deepEqual(findings, []);
  });

  it('the keyboard alone reaches the content and the menu', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/admin/', ADMIN);
    await settled(page);
    await page.keyboard.press('Tab');
    assert.equal(await focused(page, 'text'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page, 'id'), 'main');
    // From the top of the page, Tab walks the header into the menu; Enter follows a link.
    await page.keyboard.press('Shift+Tab');
    // Bounded by what can take the focus in the header and the menu (plugins add menu entries).
    const stops = await page.locator('header a, header button, nav a, nav button').count();
    for (let i = 0; i < stops + 5 && (await focused(page, 'nav')) !== 'billing:clients'; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(page, 'nav'), 'billing:clients');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/clients$/);
    assert.equal(await settled(page), 'Clients');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a payment recorded elsewhere shows as a toast on the admin\'s open page (socket.io)', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/admin/', ADMIN);
    await settled(page);
    const order = await server.request('POST', '/api/v1/orders', { token, body: { clientId: ids.client, items: [{ productId: ids.product, cycle: 'monthly' }] } });
    const invoice = order.body.data.invoice as { id: string; number: string; total: number };
    // The socket connects after the first paint; a payment before that would find no one listening.
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('[data-realtime="connected"]') !== null);
    const paid = await server.request('POST', `/api/v1/invoices/${invoice.id}/payments`, { token, body: { amount: invoice.total, gateway: 'manual', transactionId: 'TOAST-E2E' } });
    assert.equal(paid.status, 201);
    await page.locator('.p-toast').getByText(`Invoice ${invoice.number} paid`).waitFor();
    await screenshot(page, 'admin-toast');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('"Run billing now" shows the run\'s summary, and the run really happened', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/admin/billing-run', ADMIN);
    await settled(page);
    const date = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const invoiceCount = async () => (await server.request('GET', `/api/v1/invoices?clientId=${ids.client}`, { token })).body.meta.total as number;
    const before = await invoiceCount();
    await page.getByLabel('Billing date').fill(date);
    // 40 days ahead is outside the tenant's window: a preview first (nothing written), then a forced run.
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await page.getByTestId('run-effect-invoice.created').waitFor();
    assert.equal(await invoiceCount(), before, 'a preview writes nothing');
    await page.getByLabel('Force this date').check();
    await page.getByRole('button', { name: 'Run billing now' }).click();
    const result = page.getByTestId('run-result');
    await result.getByText('Result', { exact: true }).waitFor();
    await result.waitFor();
    const created = Number(await result.locator('div', { hasText: 'invoicesCreated' }).locator('dd').innerText());
    assert.ok(created >= 1, 'the monthly services were renewed');
    assert.equal(await invoiceCount(), before + created);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

/** Polls until the condition holds (an API-side effect of a click), or fails after 5 s. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) if (await condition()) return;
  assert.fail('condition not met within 5 s');
}

/** A computed style of an element, read in the page (the root tsconfig has no DOM types, hence the cast). */
const computed = (el: unknown, prop: string) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[prop];

/** The `slots` fixture plugin: .vue + TS built by `mpanel plugin:build`, loaded by the real page. */
describe('plugin UIs built by the toolchain (browser)', () => {
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

  it('the page loads a built plugin: its widget (with its scoped style), its lazy page and the shared PrimeVue button', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/', ADMIN.email, ADMIN.password);
    const widget = page.getByTestId('sfc-widget');
    await widget.waitFor();
    await widget.click();
    assert.equal(await widget.innerText(), 'Built from a .vue widget: 1', 'reactive: the host\'s Vue runs the plugin\'s component');
    assert.equal(await widget.evaluate(computed, 'outlineColor'), 'rgb(1, 2, 3)', 'the entry linked its stylesheet');

    await page.goto('/admin/p/slots/built');
    const built = page.getByTestId('built-page');
    await built.waitFor();
    assert.equal(await built.locator('.built-page-text').evaluate(computed, 'color'), 'rgb(4, 5, 6)', 'a lazy chunk brings its CSS');
    await built.getByRole('button', { name: 'Shared PrimeVue button' }).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("a plugin's tabs fill billing's client page: shown with their permission, a crashing one in its boundary, the page works", async () => {
    const token = await adminToken(server);
    const client = await server.request('POST', '/api/v1/clients', { token, body: { email: 'tabs-client@example.test', firstName: 'Ada', lastName: 'Tabs', country: 'GB' } });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    const clientId = client.body.data.id as string;
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, `/admin/clients/${clientId}`, ADMIN.email, ADMIN.password);
    const tabs = page.locator('[data-slot="billing.client.tabs"]');
    await tabs.getByRole('tab', { name: 'Account notes' }).waitFor();
    assert.deepEqual(await tabs.getByRole('tab').allInnerTexts(), ['Account notes', 'Crashing tab']);
    assert.equal(await page.getByTestId('client-tab').innerText(), 'Account notes for tabs-client@example.test', 'the page passed clientId');

    await tabs.getByRole('tab', { name: 'Crashing tab' }).click();
    await tabs.locator('[data-plugin-error="slots"]').getByText('this tab always crashes').waitFor();
    // The rest of the page still works: the client's notes save.
    await page.getByRole('textbox', { name: 'Notes', exact: true }).fill('Saved after a crashing tab');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitFor(async () => (await server.request('GET', `/api/v1/clients/${clientId}`, { token })).body.data.notes === 'Saved after a crashing tab');
    await tabs.getByRole('tab', { name: 'Account notes' }).click();
    assert.equal(await page.getByTestId('client-tab').isVisible(), true);
    assert.deepEqual(errors, []);
    await page.context().close();

    // Support staff read clients but may not edit them: the tab needing clients.write is not there.
    const support = { email: 'support-tabs@example.test', password: 'a-Long-unusual-Passphrase-43' };
    assert.equal((await server.request('POST', '/api/v1/users', { token, body: { ...support, roles: ['support'] } })).status, 201);
    const second = await watchedPage(browser, server.url);
    await logIn(second.page, `/admin/clients/${clientId}`, support.email, support.password);
    const supportTabs = second.page.locator('[data-slot="billing.client.tabs"]');
    await supportTabs.getByRole('tab', { name: 'Crashing tab' }).waitFor();
    assert.deepEqual(await supportTabs.getByRole('tab').allInnerTexts(), ['Crashing tab']);
    assert.equal(await second.page.getByTestId('client-tab').count(), 0);
    assert.deepEqual(second.errors, []);
    await second.page.context().close();
  });
});

import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, watchedPage } from './support/browser.ts';
import { ADMIN, startUiServer } from './support/ui-server.ts';

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
});

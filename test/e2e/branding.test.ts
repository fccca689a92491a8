import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../../core/src/testing/test-server.ts';
import { superAdminToken } from '../../core/src/testing/auth.ts';
import { whiteLabel } from '../../core/test/fixtures/white-label-plugin.ts';
import { launchBrowser, screenshot, watchedPage } from './support/browser.ts';
import { buildUi } from './support/ui-server.ts';

/** The page's computed styles, read in the browser (this file compiles without DOM types). */
const computed = `(() => {
  const root = getComputedStyle(document.documentElement).getPropertyValue('--mp-primary').trim();
  const button = getComputedStyle(document.querySelector('button[type="submit"]')).backgroundColor;
  return { root, button };
})()`;

describe('white-label branding (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    buildUi();
    server = await startTestServer({ plugins: { definitions: [whiteLabel] } });
    browser = await launchBrowser();
    const token = await superAdminToken(server);
    const saved = await server.request('PUT', '/api/v1/plugins/white-label-test/settings', { token, body: { brandName: 'Acme Cloud', primary: '#0a7f5a' } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the portal wears the tenant's brand from the plugin's settings, with no rebuild", async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await page.goto('/client/login');
    await page.getByText('Acme Cloud').first().waitFor();
    assert.deepEqual(await page.evaluate(computed), { root: '#0a7f5a', button: 'rgb(10, 127, 90)' });
    await screenshot(page, 'portal-login-branded');
    // The fixture's logo URL names no file: its 404 is the only error the page may log.
    assert.deepEqual(errors.filter((e) => !e.includes('status of 404')), []);
    await page.context().close();
  });
});

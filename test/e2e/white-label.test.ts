import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../core/src/testing/auth.ts';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { readFile } from 'node:fs/promises';
import { pdfInfo, pdfText } from '../../plugins/billing/test/support/pdf-text.ts';
import { PNG_1x1, ICO_HEAD, startBrandServer, verifiedDomain } from '../../plugins/white-label/test/support.ts';
import { CHROMIUM, logIn, screenshot, unexpected, watch } from './support/browser.ts';
import { buildUi } from './support/ui-server.ts';

const PORT = 26420;
const TENANT_HOST = 'panel.acme.example';
const PENDING_HOST = 'pending.acme.example';
const OTHER_HOST = 'panel.bee.example';
const CLIENT = { email: 'wl-client@acme.example', password: 'Acme-Client-Passphrase-7' };
const OTHER_CLIENT = { email: 'wl-client@bee.example', password: 'Bee-Client-Passphrase-7' };

/** What the page shows, read in the browser (this file compiles without DOM types). */
const looks = `(() => ({
  title: document.title,
  text: document.body.innerText,
  favicon: document.querySelector('link[rel="icon"]')?.getAttribute('href') ?? null,
  logos: [...document.querySelectorAll('img')].map((i) => ({ src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0 })),
  primary: getComputedStyle(document.documentElement).getPropertyValue('--mp-primary').trim(),
  font: getComputedStyle(document.body).fontFamily,
  theme: document.documentElement.dataset.mpTheme ?? null,
}))()`;
interface Looks { title: string; text: string; favicon: string | null; logos: Array<{ src: string; loaded: boolean }>; primary: string; font: string; theme: string | null }

/**
 * The portal on a reseller's verified domain wears only the reseller's brand (name, logo,
 * favicon, colours, font, login text, footer, theme) on login and dashboard, with no "mPanel"
 * anywhere; the same browser on the platform's host and on an unverified claim gets the platform.
 * Host names resolve to the test server through Chromium's --host-resolver-rules.
 */
describe('white-label portal on a tenant domain (browser)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let browser: Browser;
  let a: TenantWithAdmin;
  let logoUrl = '';
  let faviconUrl = '';
  let invoice: { id: string; number: string } = { id: '', number: '' };

  before(async () => {
    buildUi();
    ({ server, close } = await startBrandServer({ PORT: String(PORT) }, ['billing', 'theme-top-nav']));
    a = await createTenantWithAdmin(server, { slug: 'acme', name: 'Acme Holdings', isReseller: true });
    await verifiedDomain(server, a.tenant.id, TENANT_HOST);
    await verifiedDomain(server, a.tenant.id, PENDING_HOST, 'pending');
    const put = (path: string, method: string, body: unknown) => server.request(method, path, { token: a.token, body });
    const brand = await put('/api/v1/white-label/brands/current', 'PUT', {
      name: 'Acme Cloud', colors: { primary: '#0a7f5a' }, font: 'serif', loginText: 'Sign in to your Acme Cloud services',
      footerText: 'Acme Cloud Ltd', legalLinks: [{ label: 'Terms of service', url: 'https://acme.example/terms' }], theme: 'top-nav',
    });
    assert.equal(brand.status, 200, JSON.stringify(brand.body));
    const logo = await put('/api/v1/white-label/assets', 'POST', { kind: 'logo', contentType: 'image/png', data: PNG_1x1.toString('base64') });
    assert.equal(logo.status, 201, JSON.stringify(logo.body));
    logoUrl = logo.body.data.url;
    const favicon = await put('/api/v1/white-label/assets', 'POST', { kind: 'favicon', contentType: 'image/x-icon', data: ICO_HEAD.toString('base64') });
    assert.equal(favicon.status, 201);
    faviconUrl = favicon.body.data.url;
    const client = await put('/api/v1/clients', 'POST', { email: CLIENT.email, firstName: 'Cleo', lastName: 'Client', country: 'US', password: CLIENT.password });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    const product = await put('/api/v1/products', 'POST', { name: 'Cloud Hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1500 }] });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    const order = await put('/api/v1/orders', 'POST', { clientId: client.body.data.id, items: [{ productId: product.body.data.id, cycle: 'monthly' }] });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    invoice = order.body.data.invoice;
    // Another tenant with a brand of its own and the default layout, and a client.
    const b = await createTenantWithAdmin(server, { slug: 'bee', name: 'Bee Hosting' });
    await verifiedDomain(server, b.tenant.id, OTHER_HOST);
    assert.equal((await server.request('PUT', '/api/v1/white-label/brands/current', { token: b.token, body: { name: 'Bee Hosting', colors: { primary: '#aa8800' } } })).status, 200);
    assert.equal((await server.request('POST', '/api/v1/clients', { token: b.token, body: { ...OTHER_CLIENT, firstName: 'Bea', lastName: 'Client', country: 'US' } })).status, 201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        `--host-resolver-rules=MAP ${TENANT_HOST} 127.0.0.1, MAP ${PENDING_HOST} 127.0.0.1, MAP ${OTHER_HOST} 127.0.0.1, MAP platform.test 127.0.0.1`],
    });
  });
  after(async () => {
    await browser?.close();
    await close?.();
  });

  async function open(host: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: `http://${host}:${PORT}`, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    return { page, errors: watch(page) };
  }
  const seen = (page: Page) => page.evaluate(looks) as Promise<Looks>;

  function assertBranded(l: Looks, where: string): void {
    assert.equal(l.title, 'Acme Cloud', `${where}: title`);
    assert.doesNotMatch(l.title + l.text, /mpanel/i, `${where}: no platform name in ${l.text}`);
    assert.equal(l.favicon, faviconUrl, `${where}: favicon`);
    assert.doesNotMatch(l.favicon ?? '', /mpanel/i, `${where}: favicon URL`);
    assert.ok(l.logos.some((i) => i.src === logoUrl && i.loaded), `${where}: logo shown ${JSON.stringify(l.logos)}`);
    assert.equal(l.primary, '#0a7f5a', `${where}: colour`);
    assert.match(l.font, /Georgia/, `${where}: font`);
  }

  it("shows the reseller's brand on login and dashboard of its verified domain, and no platform name", async () => {
    const { page, errors } = await open(TENANT_HOST);
    await page.goto('/client/login');
    await page.getByTestId('login-brand').getByText('Acme Cloud').waitFor();
    await page.getByTestId('login-text').getByText('Sign in to your Acme Cloud services').waitFor();
    assertBranded(await seen(page), 'login');
    await screenshot(page, 'white-label-login');

    await logIn(page, '/client/login', CLIENT.email, CLIENT.password);
    await page.getByTestId('app-brand').getByText('Acme Cloud').waitFor();
    await page.getByTestId('brand-footer').getByText('Acme Cloud Ltd').waitFor();
    await page.locator('[data-plugins="ready"]').waitFor();
    const dash = await seen(page);
    assertBranded(dash, 'dashboard');
    assert.equal(dash.theme, 'top-nav');
    assert.equal(await page.getByRole('link', { name: 'Terms of service' }).getAttribute('href'), 'https://acme.example/terms');
    // The top-nav theme (the theme-top-nav plugin's styles, mounted through the portal theme slot)
    // lays the menu out as a bar: the navigation spans the page's width.
    assert.equal(await page.locator('style[data-mp-theme-styles="top-nav"]').count(), 1);
    const nav = await page.getByTestId('main-nav').boundingBox();
    assert.ok(nav && nav.width > 1000, `menu as a bar: ${JSON.stringify(nav)}`);
    await screenshot(page, 'white-label-dashboard');

    // The invoice page wears the brand too, and its PDF download is the reseller's document.
    await page.goto(`/client/invoices/${invoice.id}`);
    await page.getByTestId('invoice-status').getByText('unpaid').waitFor();
    await page.getByTestId('app-brand').getByText('Acme Cloud').waitFor();
    const onInvoice = await seen(page);
    assertBranded(onInvoice, 'invoice');
    assert.equal(onInvoice.theme, 'top-nav');
    await screenshot(page, 'white-label-invoice');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).first().click()]);
    assert.doesNotMatch(download.suggestedFilename(), /mpanel/i);
    const pdf = await readFile((await download.path())!);
    const text = pdfText(pdf);
    assert.ok(text.includes(invoice.number), 'the invoice PDF');
    assert.match(text, /Acme Cloud/);
    assert.match(text, /Terms of service: https:\/\/acme\.example\/terms/);
    assert.doesNotMatch(text, /mpanel|PDFKit/i, 'no platform or software name in the PDF');
    assert.equal(pdfInfo(pdf, 'Producer'), 'Acme Cloud');
    assert.match(text, /\/Subtype \/Image/, 'the logo');
    // Plain http on a name other than localhost: Chromium ignores the COOP header and says so.
    assert.deepEqual(unexpected(errors, 404).filter((e) => !e.includes('Cross-Origin-Opener-Policy header has been ignored')), []);
    await page.context().close();
  });

  it("another tenant's portal wears its own brand and layout: none of Acme's name, logo or theme", async () => {
    const { page } = await open(OTHER_HOST);
    await logIn(page, '/client/login', OTHER_CLIENT.email, OTHER_CLIENT.password);
    await page.getByTestId('app-brand').getByText('Bee Hosting').waitFor();
    await page.locator('[data-plugins="ready"]').waitFor();
    const l = await seen(page);
    assert.equal(l.title, 'Bee Hosting');
    assert.equal(l.primary, '#aa8800');
    assert.doesNotMatch(l.text, /Acme|mpanel/i);
    assert.ok(!l.logos.some((i) => i.src === logoUrl));
    assert.equal(l.theme, null);
    assert.equal(await page.locator('style[data-mp-theme-styles]').count(), 0, 'no theme styles');
    const nav = await page.getByTestId('main-nav').boundingBox();
    assert.ok(nav && nav.width < 400, `menu as a column: ${JSON.stringify(nav)}`);
    await page.context().close();
  });

  it("shows the platform's own look on the platform host and on an unverified claim of the same tenant", async () => {
    for (const host of ['platform.test', PENDING_HOST]) {
      const { page } = await open(host);
      await page.goto('/client/login');
      await page.getByTestId('login-brand').getByText('mPanel').waitFor();
      const l = await seen(page);
      assert.doesNotMatch(l.text, /Acme/, host);
      assert.notEqual(l.primary, '#0a7f5a', host);
      assert.ok(!l.logos.some((i) => i.src === logoUrl), host);
      assert.notEqual(l.favicon, faviconUrl, host);
      assert.equal(l.theme, null, host);
      // The tenant's images are not served there either.
      assert.equal(await page.evaluate(`fetch(${JSON.stringify(logoUrl)}).then((r) => r.status)`), 404, host);
      await page.context().close();
    }
  });

  it("the staff Brand screen previews the form live, keeps unsafe colours out of the preview and refuses to save them", async () => {
    const { page, errors } = await open(TENANT_HOST);
    await logIn(page, '/admin/login', a.admin.email, a.admin.password);
    await page.getByTestId('signed-in-as').waitFor();
    await page.goto('/admin/p/white-label/brand');
    const preview = page.getByTestId('wl-preview');
    await preview.getByTestId('wl-preview-name').getByText('Acme Cloud').waitFor();
    const previewPrimary = () => page.evaluate(`getComputedStyle(document.querySelector('[data-testid="wl-preview"]')).getPropertyValue('--pv-primary').trim()`) as Promise<string>;
    assert.equal(await previewPrimary(), '#0a7f5a');
    await page.getByTestId('wl-name').fill('Preview Co');
    await page.getByTestId('wl-color-primary').fill('#aa3300');
    await preview.getByTestId('wl-preview-name').getByText('Preview Co').waitFor();
    assert.equal(await previewPrimary(), '#aa3300');
    await page.getByTestId('wl-color-primary').fill('red; background: url(https://evil.example/x)');
    assert.equal(await previewPrimary(), '#0a7f5a', 'an unsafe value never reaches the preview');
    await page.getByRole('button', { name: 'Save brand' }).click();
    await page.getByText('must be a CSS colour').first().waitFor();
    const stored = await server.request('GET', '/api/v1/white-label/brands/current', { token: a.token });
    assert.equal(stored.body.data.own.name, 'Acme Cloud', 'nothing saved');
    await page.getByTestId('wl-color-primary').fill('#aa3300');
    await page.getByRole('button', { name: 'Save brand' }).click();
    await page.getByTestId('wl-notice').waitFor();
    const saved = await server.request('GET', '/api/v1/white-label/brands/current', { token: a.token });
    assert.equal(saved.body.data.own.name, 'Preview Co');
    assert.equal(saved.body.data.own.colors.primary, '#aa3300');
    await screenshot(page, 'white-label-settings');
    assert.deepEqual(unexpected(errors, 400, 404).filter((e) => !e.includes('Cross-Origin-Opener-Policy header has been ignored')), []);
    await page.context().close();
  });
});

import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';
import { accessibilityViolations } from './support/axe.ts';

const CLIENT = { email: 'dns-client@example.test', password: 'Dns-Client-Passphrase-7' };

async function signIn(page: Page, path: string, who: { email: string; password: string }): Promise<void> {
  await logIn(page, path, who.email, who.password);
  await page.getByTestId('signed-in-as').waitFor();
  await page.locator('.mp-shell[data-plugins="ready"]').waitFor();
}

/**
 * The dns plugin's screens in Chromium against the real API (the PowerDNS provider is installed
 * but not configured here: zones stay queued, and the page says why in plain words): staff add records through the zone editor with the
 * field error next to the field; the client sees its zone, NS read-only and not offered.
 */
describe('dns screens (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let zoneId: string;
  let clientId: string;
  const api = async (method: string, path: string, body?: unknown) => server.request(method, `/api/v1${path}`, { token, body });

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    token = await adminToken(server);
    const client = await api('POST', '/clients', { email: CLIENT.email, firstName: 'Dana', lastName: 'Dns', country: 'US', currency: 'USD' });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    assert.equal((await api('POST', '/users', { ...CLIENT, roles: ['client'], clientId: client.body.data.id })).status, 201);
    clientId = client.body.data.id;
    const zone = await api('POST', '/dns/zones', { name: 'dana.example.test', clientId });
    assert.equal(zone.status, 201, JSON.stringify(zone.body));
    zoneId = zone.body.data.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('staff: zones list, a refused value shown next to the field, then the record added; NS offered', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/admin/dns', ADMIN);
    // A zone made through the form, for the client chosen in the list.
    await page.getByTestId('dns-new-name').fill('form.example.test');
    await page.locator('#dns-new-client option', { hasText: CLIENT.email }).waitFor({ state: 'attached' });
    await page.getByLabel('Client account').selectOption({ label: `Dana Dns <${CLIENT.email}>` });
    await page.getByTestId('dns-create').click();
    await page.getByTestId('dns-zone-form.example.test').waitFor();
    const made = (await api('GET', '/dns/zones?search=form.example')).body.data;
    assert.deepEqual(made.map((z: { name: string; clientId: string }) => [z.name, z.clientId]), [['form.example.test', clientId]]);
    await page.getByTestId('dns-zone-dana.example.test').click();
    await page.waitForURL(`**/admin/dns/${zoneId}`);
    await page.getByTestId('dns-publication').getByText('PowerDNS is not configured').waitFor();
    await page.getByTestId('dns-add-record').click();
    await page.getByLabel('Name (@ for the zone itself)').fill('www');
    assert.ok((await page.locator('#dns-rec-type option').allInnerTexts()).includes('NS'));
    await page.getByLabel('Values (one per line)').fill('203.0.113.300');
    await page.getByTestId('dns-save-record').click();
    await page.getByTestId('dns-error-values').getByText('values[0]: "203.0.113.300" is not an IPv4 address').waitFor();
    assert.equal((await api('GET', `/dns/zones/${zoneId}/records`)).body.data.length, 0);
    await page.getByLabel('Values (one per line)').fill('203.0.113.30');
    await page.getByTestId('dns-save-record').click();
    await page.getByTestId('dns-record-www-A').waitFor();
    const rows = (await api('GET', `/dns/zones/${zoneId}/records`)).body.data;
    assert.deepEqual(rows.map((r: { name: string; values: string[] }) => [r.name, r.values]), [['www.dana.example.test', ['203.0.113.30']]]);
    // The history shows the change.
    await page.getByTestId('dns-history').getByText('record.created www.dana.example.test A').waitFor();
    // The refused value's 400 is the one expected failure.
    assert.deepEqual(unexpected(errors, 400), []);
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'dns-zone-admin');
  });

  it('client: its zone, NS read-only and not offered', async () => {
    assert.equal((await api('POST', `/dns/zones/${zoneId}/records`, { name: 'sub', type: 'NS', values: ['ns1.example.net'] })).status, 201);
    const { page, errors } = await watchedPage(browser, server.url);
    await signIn(page, '/client/dns', CLIENT);
    await page.getByTestId('dns-zone-dana.example.test').click();
    const ns = page.getByTestId('dns-record-sub-NS');
    await ns.waitFor();
    assert.equal(await ns.getByRole('button', { name: 'Edit' }).count(), 0);
    await ns.getByText('read-only').waitFor();
    await page.getByTestId('dns-record-www-A').getByRole('button', { name: 'Edit' }).waitFor();
    await page.getByTestId('dns-add-record').click();
    const types = await page.locator('#dns-rec-type option').allInnerTexts();
    assert.ok(!types.includes('NS') && types.includes('TXT'), types.join(','));
    await page.getByLabel('Name (@ for the zone itself)').fill('_dmarc');
    await page.getByLabel('Type').selectOption('TXT');
    await page.getByLabel('Values (one per line)').fill('v=DMARC1; p=none');
    await page.getByTestId('dns-save-record').click();
    await page.getByTestId('dns-record-_dmarc-TXT').waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'dns-zone-portal');
  });
});

import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, unexpected, watch } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';
import { accessibilityViolations } from './support/axe.ts';

const CLIENT = { email: 'ssl-client@example.test', password: 'Ssl-Client-Passphrase-7' };
const DAY = 86_400_000;

/**
 * The ssl plugin's screens in Chromium: staff see every certificate with its state in one word,
 * expiry, next renewal or retry and the CA's last error in plain words, and start "Renew now"; the
 * client sees only its own certificates in the portal; the dashboard widget counts what needs
 * attention. Rows are seeded in the database (issuance itself is the integration test's).
 */
describe('SSL certificates screens (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let failingId = '';

  const open = async (): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    return { page, errors: watch(page) };
  };

  before(async function () {
    this.timeout(900_000); // builds the admin UI and the plugin UIs on a fresh checkout
    server = await startUiServer();
    browser = await launchBrowser();
    const token = await adminToken(server);
    const post = async (path: string, body: unknown) => {
      const res = await server.request('POST', `/api/v1${path}`, { token, body });
      assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    const client = await post('/clients', { email: CLIENT.email, firstName: 'Sal', lastName: 'Cert', country: 'US', currency: 'USD' });
    await post('/users', { ...CLIENT, roles: ['client'], clientId: client.id });
    const other = await post('/clients', { email: 'ssl-other@example.test', firstName: 'Oto', lastName: 'Her', country: 'US', currency: 'USD' });
    const { tenant_id: tenantId } = (await server.knex('clients').where({ id: client.id }).first('tenant_id')) as { tenant_id: string };
    const now = Date.now();
    const rows = await server.knex('certificates').insert([
      {
        tenant_id: tenantId, client_id: client.id, names: ['shop.ssl-e2e.test', 'www.shop.ssl-e2e.test'], primary_name: 'shop.ssl-e2e.test', challenge: 'http-01',
        status: 'active', not_before: new Date(now - 80 * DAY), not_after: new Date(now + 10 * DAY), renew_at: new Date(now - 20 * DAY), failure_count: 3,
        next_attempt_at: new Date(now + 4 * 3_600_000), last_error: 'The CA could not look up the name in DNS: make sure its A/AAAA record exists and points at the site\'s server. (CA said: could not resolve URL)',
        last_error_at: new Date(now - 3_600_000),
      },
      {
        tenant_id: tenantId, client_id: other.id, names: ['other.ssl-e2e.test'], primary_name: 'other.ssl-e2e.test', challenge: 'http-01',
        status: 'active', not_before: new Date(now - 10 * DAY), not_after: new Date(now + 80 * DAY), renew_at: new Date(now + 50 * DAY),
      },
    ]).returning('id');
    failingId = (rows[0] as { id: string }).id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('staff see state, expiry, next try and the last error in plain words, and start "Renew now"', async () => {
    const { page, errors } = await open();
    await logIn(page, '/admin/ssl/certificates', ADMIN.email, ADMIN.password);
    const failing = page.getByTestId('ssl-row-shop.ssl-e2e.test');
    await failing.waitFor();
    assert.match(await failing.innerText(), /www\.shop\.ssl-e2e\.test/);
    assert.match(await failing.innerText(), /Expiring soon/, 'under a sixth of the lifetime left');
    assert.match(await failing.innerText(), /Next try: .*Failures: 3/);
    assert.match(await failing.innerText(), /The CA could not look up the name in DNS.*CA said: could not resolve URL/);
    assert.match(await page.getByTestId('ssl-row-other.ssl-e2e.test').innerText(), /Valid/);
    assert.deepEqual(await accessibilityViolations(page), [], 'the list passes axe');
    await page.getByTestId('ssl-renew-shop.ssl-e2e.test').click();
    await page.getByTestId('ssl-done').filter({ hasText: 'The renewal has started.' }).waitFor();
    const row = await server.knex('certificates').where({ id: failingId }).first('in_progress_since', 'last_attempt_at', 'failure_count');
    assert.ok(row.in_progress_since !== null || row.failure_count > 3, 'the renewal was claimed (or already ran)');
    assert.deepEqual(unexpected(errors), []);
  });

  it('the client sees only its own certificates in the portal', async () => {
    const { page, errors } = await open();
    await logIn(page, '/client/certificates', CLIENT.email, CLIENT.password);
    await page.getByTestId('ssl-row-shop.ssl-e2e.test').waitFor();
    assert.equal(await page.getByTestId('ssl-row-other.ssl-e2e.test').count(), 0, 'another client\'s certificate is not listed');
    assert.match(await page.getByTestId('ssl-certificates').innerText(), /SSL certificates/);
    assert.deepEqual(await accessibilityViolations(page), [], 'the portal page passes axe');
    assert.deepEqual(unexpected(errors), []);
  });
});

import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, pathOf, screenshot, storedSession, unexpected, watch, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

/** The client the staff member is signed in as in the portal, and the one the staff member logs in as. */
const OWN = { email: 'margaret@example.test', password: 'Apollo-Guidance-1969', firstName: 'Margaret', lastName: 'Hamilton', country: 'US' };
const TARGET = { email: 'katherine@example.test', password: 'Orbital-Mechanics-1962', firstName: 'Katherine', lastName: 'Johnson', country: 'US' };
const ENDED = 'The client session has ended. Close this tab, or sign in as a client.';

describe('log in as client (browser): the impersonation tab keeps its own session and ends cleanly', () => {
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let targetClientId = '';
  let targetUserId = '';

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    token = await adminToken(server);
    for (const client of [OWN, TARGET]) {
      const created = await server.request('POST', '/api/v1/clients', { token, body: client });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      targetClientId = created.body.data.id as string;
    }
    const users = await server.request('GET', `/api/v1/users?role=client&q=${encodeURIComponent(TARGET.email)}`, { token });
    targetUserId = users.body.data.find((u: { email: string }) => u.email === TARGET.email).id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** From the client's admin page, "log in as client": the portal tab it opens, with the staff banner shown. */
  const openPortalAs = async (admin: Page): Promise<{ portal: Page; errors: string[] }> => {
    await admin.goto(`/admin/clients/${targetClientId}`);
    await admin.getByRole('heading', { name: 'Katherine Johnson' }).waitFor();
    const [portal] = await Promise.all([admin.context().waitForEvent('page'), admin.getByTestId('log-in-as-client').click()]);
    const errors = watch(portal);
    await portal.getByTestId('impersonation-banner').waitFor();
    assert.equal(await portal.getByTestId('impersonation-banner').innerText(), `Viewing as ${TARGET.email} (staff: ${ADMIN.email})`);
    return { portal, errors };
  };

  /** The portal tab is on its login page, saying that the client session ended, with no error shown. */
  const assertEnded = async (portal: Page) => {
    await portal.getByTestId('login-notice').waitFor();
    assert.equal(pathOf(portal), '/client/login');
    assert.equal(new URL(portal.url()).search, '', 'nowhere to go back to after signing in');
    assert.equal(await portal.getByTestId('login-notice').innerText(), ENDED);
    assert.equal(await portal.getByRole('alert').count(), 0, 'no API error is shown');
    assert.deepEqual(await storedSession(portal, 'portal', 'session'), { ended: true });
  };

  it("opens in the tab's own storage, leaving the staff member's portal session alone, and \"End session\" drops it", async () => {
    // The staff member is signed into the portal as another client in this browser.
    const { page: own, errors } = await watchedPage(browser, server.url);
    await logIn(own, '/client/', OWN.email, OWN.password);
    await own.getByRole('heading', { name: `Welcome, ${OWN.email}` }).waitFor();
    const ownSession = await storedSession(own, 'portal', 'local');
    assert.ok(ownSession?.accessToken && ownSession.refreshToken);

    const admin = await own.context().newPage();
    const adminErrors = watch(admin);
    await logIn(admin, '/admin/', ADMIN.email, ADMIN.password);
    await admin.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const { portal, errors: portalErrors } = await openPortalAs(admin);
    assert.match(await portal.getByTestId('signed-in-as').innerText(), /katherine@example\.test/);
    // The impersonation lives in the tab (an access token, no refresh token); the shared session is untouched.
    const tabSession = await storedSession(portal, 'portal', 'session');
    assert.ok(tabSession?.accessToken && !tabSession.refreshToken);
    assert.deepEqual(await storedSession(portal, 'portal', 'local'), ownSession);
    const me = await server.request('GET', '/api/v1/auth/me', { token: tabSession.accessToken });
    assert.equal(me.body.data.user.email, TARGET.email);
    assert.equal(me.body.data.impersonatedBy.email, ADMIN.email);
    await screenshot(portal, 'portal-impersonation-own-tab');

    // The other tab is still the staff member's own portal session, after a reload too.
    await own.reload();
    await own.getByRole('heading', { name: `Welcome, ${OWN.email}` }).waitFor();
    assert.match(await own.getByTestId('signed-in-as').innerText(), /margaret@example\.test/);

    // "End session": the API ends the session at once, the tab drops it and does not fall back to the shared one.
    await portal.getByRole('button', { name: 'End session' }).click();
    await assertEnded(portal);
    assert.equal((await server.request('GET', '/api/v1/auth/me', { token: tabSession.accessToken })).status, 401);
    await screenshot(portal, 'portal-impersonation-ended');
    await portal.reload();
    await assertEnded(portal);
    assert.deepEqual(await storedSession(own, 'portal', 'local'), ownSession);
    await own.reload();
    await own.getByRole('heading', { name: `Welcome, ${OWN.email}` }).waitFor();

    // Signing in again in that tab keeps to the tab: the shared session is still the other client's.
    await logIn(portal, '/client/', TARGET.email, TARGET.password);
    await portal.getByRole('heading', { name: `Welcome, ${TARGET.email}` }).waitFor();
    assert.equal(await portal.getByTestId('impersonation-banner').count(), 0);
    assert.ok((await storedSession(portal, 'portal', 'session'))?.refreshToken);
    assert.deepEqual(await storedSession(own, 'portal', 'local'), ownSession);
    assert.deepEqual([...errors, ...adminErrors, ...portalErrors], []);
    await own.context().close();
  });

  it('a revoked (or expired) impersonation token returns the tab to the portal login saying the client session ended', async () => {
    const { page: admin, errors } = await watchedPage(browser, server.url);
    await logIn(admin, '/admin/', ADMIN.email, ADMIN.password);
    await admin.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // While the tab is in use: the next API call is refused, and the tab ends the session.
    const first = await openPortalAs(admin);
    await first.portal.getByRole('heading', { name: `Welcome, ${TARGET.email}` }).waitFor();
    // Resetting the client's two-factor ends all its sessions, the impersonation too (as expiry would).
    assert.equal((await server.request('POST', `/api/v1/users/${targetUserId}/2fa/reset`, { token })).status, 200);
    // The next API call is refused; on a slow machine the socket's end-of-session may reach the tab
    // first and take it to the login page before the click lands. Either way the tab must end.
    await first.portal.getByTestId('main-nav').locator('[data-nav="billing:portalInvoices"]').click({ timeout: 5000 }).catch(() => undefined);
    await assertEnded(first.portal);
    await screenshot(first.portal, 'portal-impersonation-revoked');
    assert.deepEqual(unexpected(first.errors, 401), []);

    // When the tab is (re)loaded with a token that no longer works.
    const second = await openPortalAs(admin);
    assert.equal((await server.request('POST', `/api/v1/users/${targetUserId}/2fa/reset`, { token })).status, 200);
    await second.portal.reload();
    await assertEnded(second.portal);
    assert.deepEqual(unexpected(second.errors, 401), []);

    // The staff member's own admin session carries on.
    await admin.reload();
    await admin.getByRole('heading', { name: 'Katherine Johnson' }).waitFor();
    assert.deepEqual(errors, []);
    await admin.context().close();
  });
});

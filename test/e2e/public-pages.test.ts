import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, pathOf, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { adminToken, startUiServer } from './support/ui-server.ts';

const CLIENT = { email: 'grace@example.test', password: 'Cobol-Compiler-1959' };

/**
 * Public portal pages (a plugin's `ui.publicPages`): the support plugin's knowledge base and
 * announcements open signed out, framed with the tenant's brand and a "Sign in" link, and show
 * public content only: never a client-only or staff article, a draft, or a client announcement.
 */
describe('public portal pages: knowledge base and announcements signed out (browser)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let browser: Browser;
  const slugs: Record<string, string> = {};

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    const token = await adminToken(server);
    const write = async (path: string, body: Record<string, unknown>) => {
      const res = await server.request('POST', path, { token, body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.data as { slug?: string };
    };
    for (const [key, title, body, extra] of [
      ['public', 'Point your domain with DNS records', 'Set an **A record** for the domain to the server address.', { visibility: 'public' }],
      ['clients', 'DNS zone of your account (clients)', 'Client-only DNS details.', { visibility: 'clients' }],
      ['staff', 'DNS runbook for staff', 'Staff-only DNS steps.', { visibility: 'staff' }],
      ['draft', 'DNS draft not yet published', 'Draft DNS text.', { visibility: 'public', status: 'draft' }],
    ] as const) slugs[key] = (await write('/api/v1/kb/articles', { title, body, status: 'published', ...extra })).slug!;
    await write('/api/v1/announcements', { title: 'Maintenance on Friday night', body: 'Mail is down for **ten minutes**.', visibility: 'public' });
    await write('/api/v1/announcements', { title: 'Client price change', body: 'Only for clients.', visibility: 'clients' });
    await write('/api/v1/clients', { email: CLIENT.email, password: CLIENT.password, firstName: 'Grace', lastName: 'Hopper', country: 'US', currency: 'USD' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the pages without a session, for the tenant, with their module', async () => {
    const res = await server.request('GET', '/api/v1/ui/public-pages');
    assert.equal(res.status, 200);
    const support = (res.body.data as Array<{ id: string; moduleUrl: string; pages: Array<{ path: string }> }>).find((p) => p.id === 'support');
    assert.ok(support, JSON.stringify(res.body.data));
    assert.deepEqual(support.pages.map((p) => p.path), ['/client/kb', '/client/kb/:slug', '/client/announcements']);
    assert.match(support.moduleUrl, /^\/admin\/plugin-ui\/support\//);
  });

  it('signed out: search the knowledge base, read a public article; client-only, staff and draft articles stay hidden', async () => {
    const { page: p, errors } = await watchedPage(browser, server.url);
    await p.goto('/client/kb');
    await p.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    assert.equal(pathOf(p), '/client/kb', 'no redirect to the login');
    const brand = (await server.request('GET', '/api/v1/ui/branding')).body.data.name as string;
    assert.equal(await p.getByTestId('public-brand').textContent(), brand);
    await p.getByText('Point your domain with DNS records').waitFor();

    await p.getByTestId('kb-search').fill('DNS');
    await p.getByRole('button', { name: 'Search' }).click();
    await p.getByRole('button', { name: 'Point your domain with DNS records' }).waitFor();
    const listed = await p.locator('.mp-kb-hits').textContent();
    for (const hidden of ['DNS zone of your account', 'DNS runbook for staff', 'DNS draft not yet published']) assert.ok(!listed!.includes(hidden), `${hidden} is not public`);
    await screenshot(p, 'public-kb-search');

    await p.getByRole('button', { name: 'Point your domain with DNS records' }).click();
    await p.getByRole('heading', { name: 'Point your domain with DNS records' }).waitFor();
    await p.locator('article strong', { hasText: 'A record' }).waitFor();
    assert.equal(await p.getByText('Was this helpful?').count(), 0, 'no vote without a session');

    // An article's own address works signed out; a client-only one's does not show it.
    await p.goto(`/client/kb/${slugs.public}`);
    await p.getByRole('heading', { name: 'Point your domain with DNS records' }).waitFor();
    await p.goto(`/client/kb/${slugs.clients}`);
    await p.getByTestId('kb-missing').waitFor();
    assert.equal(await p.getByText('Client-only DNS details').count(), 0);
    assert.equal(await p.getByRole('heading', { name: 'DNS zone of your account (clients)' }).count(), 0);
    assert.equal(pathOf(p), `/client/kb/${slugs.clients}`);
    assert.deepEqual(unexpected(errors, 404), []);
  });

  it('signed out: announcements show the public ones; "Sign in" leads to the login and back; other portal pages still need a session', async () => {
    const { page: p, errors } = await watchedPage(browser, server.url);
    await p.goto('/client/announcements');
    await p.getByRole('heading', { name: 'Maintenance on Friday night' }).waitFor();
    assert.equal(await p.getByText('Client price change').count(), 0);
    await screenshot(p, 'public-announcements');
    await p.getByTestId('public-sign-in').click();
    await p.waitForURL(/\/client\/login\?next=(%2F|\/)announcements$/);
    await p.getByLabel('Email').waitFor();
    await p.goto('/client/tickets');
    await p.waitForURL(/\/client\/login/);
    assert.deepEqual(unexpected(errors), []);
  });

  it('signed in, the public page stays public (a link back to the portal); the portal\'s own page shows client-only articles', async () => {
    const { page: p, errors } = await watchedPage(browser, server.url);
    await logIn(p, '/client/login?next=/kb', CLIENT.email, CLIENT.password);
    await p.waitForURL(/\/client\/kb$/);
    await p.getByText('Point your domain with DNS records').waitFor();
    await p.getByTestId('public-portal').waitFor();
    assert.equal(await p.getByText('DNS zone of your account (clients)').count(), 0, 'the public page shows public articles only');
    await p.getByTestId('public-portal').click();
    await p.getByTestId('signed-in-as').waitFor();
    await p.getByRole('link', { name: 'Knowledge base' }).click();
    await p.getByText('DNS zone of your account (clients)').waitFor();
    assert.equal(await p.getByText('DNS runbook for staff').count(), 0);
    assert.deepEqual(unexpected(errors), []);
  });
});

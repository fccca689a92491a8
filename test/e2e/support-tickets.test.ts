import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { launchBrowser, logIn, pathOf, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CLIENT = { email: 'margaret@example.test', password: 'Apollo-Guidance-1969' };

describe('support tickets in the portal and the admin (browser)', function () {
  // A loaded machine: starting the server and the browser has taken over the default two minutes.
  this.timeout(300_000);
  let server: TestServer;
  let browser: Browser;
  let token: string;

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    token = await adminToken(server);
    const dept = await server.request('POST', '/api/v1/ticket-departments', { token, body: { name: 'Technical support', clientVisible: true } });
    assert.equal(dept.status, 201, JSON.stringify(dept.body));
    const canned = await server.request('POST', '/api/v1/canned-replies', { token, body: { title: 'Restarted', body: 'Hello {{client.firstName}}, we restarted your server (ticket #{{ticket.number}}).' } });
    assert.equal(canned.status, 201, JSON.stringify(canned.body));
    const client = await server.request('POST', '/api/v1/clients', { token, body: { email: CLIENT.email, firstName: 'Margaret', lastName: 'Hamilton', country: 'US', currency: 'USD', password: CLIENT.password } });
    assert.equal(client.status, 201, JSON.stringify(client.body));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a client opens a ticket with an attachment, staff answer with a canned reply, the client reads the answer and rates it', async () => {
    const portal = await watchedPage(browser, server.url);
    const p = portal.page;
    await logIn(p, '/client/tickets', CLIENT.email, CLIENT.password);
    await p.getByRole('heading', { name: 'Your support tickets' }).waitFor();
    await p.getByTestId('open-ticket').click();
    await p.getByRole('heading', { name: 'Open a ticket' }).waitFor();
    await p.locator('#ticket-department option', { hasText: 'Technical support' }).waitFor({ state: 'attached' });
    await p.getByLabel('Subject').fill('Server unreachable');
    await p.getByLabel('Message').fill('Since this morning my server does not answer.');
    await p.getByLabel('Attachments').setInputFiles({ name: 'traceroute.txt', mimeType: 'text/plain', buffer: Buffer.from('1 gw 2 ms\n2 * * *\n') });
    await p.getByRole('button', { name: 'Send' }).click();
    await p.waitForURL(new RegExp(`/client/tickets/${UUID}$`));
    const ticketId = pathOf(p).split('/').pop()!;
    await p.getByTestId('ticket-thread').getByText('Since this morning my server does not answer.').waitFor();
    await p.getByRole('button', { name: /traceroute\.txt/ }).waitFor();
    await screenshot(p, 'portal-ticket-opened');
    const stored = await server.knex('ticket_attachments').where({ ticket_id: ticketId });
    assert.equal(stored.length, 1);
    assert.equal(stored[0].filename, 'traceroute.txt');

    // Staff answer in the admin with the canned reply, filled in for this ticket.
    const admin = await watchedPage(browser, server.url);
    const a = admin.page;
    await logIn(a, `/admin/tickets/${ticketId}`, ADMIN.email, ADMIN.password);
    await a.getByRole('heading', { name: /Server unreachable/ }).waitFor();
    await a.getByText('Since this morning my server does not answer.').waitFor();
    await a.getByLabel('Insert a canned reply').selectOption({ label: 'Restarted' });
    await a.waitForFunction(() => ((globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('#staff-reply')?.value ?? '').includes('Hello Margaret'));
    const text = await a.locator('#staff-reply').inputValue();
    assert.match(text, /^Hello Margaret, we restarted your server \(ticket #\d+\)\.$/);
    await a.getByRole('button', { name: 'Send', exact: true }).click();
    await a.getByTestId('ticket-thread').getByText(/we restarted your server/).waitFor();
    await screenshot(a, 'admin-ticket-answered');

    // The client sees the answer, closes the ticket and rates it.
    await p.reload();
    await p.getByTestId('ticket-thread').getByText(/Hello Margaret, we restarted your server/).waitFor();
    await p.getByTestId('ticket-status').getByText('Answered').waitFor();
    await p.getByRole('button', { name: 'Close ticket' }).click();
    await p.getByText('How did we do?').waitFor();
    await p.getByRole('button', { name: 'Rating 5' }).click();
    await p.getByTestId('ticket-rated').waitFor();
    await screenshot(p, 'portal-ticket-rated');
    const row = await server.knex('tickets').where({ id: ticketId }).first();
    assert.equal(row.status, 'closed');
    assert.equal(row.rating, 5);
    assert.deepEqual(unexpected(portal.errors), []);
    assert.deepEqual(unexpected(admin.errors), []);
  });
});

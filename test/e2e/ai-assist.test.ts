import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../fakes/openai/server.ts';
import { standInModel } from '../../plugins/ai/eval/stand-in-model.ts';
import { launchBrowser, logIn, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

describe('AI ticket assistance on the staff ticket page (browser)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let browser: Browser;
  let fake: FakeOpenAi;
  let token: string;

  before(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-e2e-0123456789abcdef', respond: standInModel });
    server = await startUiServer({ MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
    browser = await launchBrowser();
    token = await adminToken(server);
    const req = async (method: string, path: string, body: unknown) => {
      const r = await server.request(method, path, { token, body });
      assert.ok(r.status < 300, `${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.data;
    };
    await req('PUT', '/api/v1/ai/settings', { baseUrl: fake.url, apiKey: 'sk-e2e-0123456789abcdef' });
    for (const name of ['Technical support', 'Billing']) await req('POST', '/api/v1/ticket-departments', { name });
    await req('POST', '/api/v1/kb/articles', { title: 'Paying an invoice by card or bank transfer', body: 'Open the invoice in the portal and pay by card. Refunds of double payments go back to the card.', status: 'published' });
    await req('POST', '/api/v1/kb/articles', { title: 'Restoring a website backup', body: 'Daily backups are kept for 30 days.', status: 'published' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
  });

  it('shows the triage suggestion, accepts it, and puts a cited draft into the reply box without sending it', async () => {
    const depts = (await server.request('GET', '/api/v1/ticket-departments', { token })).body.data as Array<{ id: string; name: string }>;
    const client = await server.request('POST', '/api/v1/clients', { token, body: { email: 'ada@example.test', firstName: 'Ada', lastName: 'Client', country: 'US', currency: 'USD' } });
    const opened = await server.request('POST', '/api/v1/tickets', { token, body: { departmentId: depts.find((d) => d.name === 'Technical support')!.id, clientId: client.body.data.id, subject: 'Charged twice', body: 'You charged my card twice for the same invoice, I want a refund of the double payment.' } });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const ticketId = opened.body.data.id as string;
    for (let i = 0; i < 100 && !(await server.request('GET', `/api/v1/tickets/${ticketId}/ai-triage`, { token })).body.data; i++) await new Promise((r) => setTimeout(r, 100));

    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, `/admin/tickets/${ticketId}`, ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: /Charged twice/ }).waitFor();
    const triage = page.getByTestId('ai-triage');
    await triage.getByText('Department: Billing').waitFor();
    await triage.getByText('Priority: high').waitFor();
    await triage.getByRole('button', { name: 'Accept' }).click();
    await triage.waitFor({ state: 'detached' });
    const row = await server.knex('tickets').where({ id: ticketId }).first('department_id', 'priority');
    assert.deepEqual(row, { department_id: depts.find((d) => d.name === 'Billing')!.id, priority: 'high' });

    await page.getByTestId('ai-draft').click();
    const result = page.getByTestId('ai-draft-result');
    await page.getByTestId('ai-ticket-assist').locator('.ai-draft, [role=alert]').first().waitFor();
    assert.equal(await page.getByTestId('ai-ticket-assist').locator('[role=alert]').count(), 0, await page.getByTestId('ai-ticket-assist').innerText());
    await result.waitFor();
    assert.match(await result.innerText(), /Paying an invoice by card or bank transfer/);
    await screenshot(page, 'admin-ticket-ai-draft');
    await result.getByRole('button', { name: 'Use as reply' }).click();
    assert.match(await page.locator('#staff-reply').inputValue(), /\[KB1\]/);
    assert.equal((await server.knex('ticket_messages').where({ ticket_id: ticketId })).length, 1, 'the draft was not sent');
    assert.deepEqual(unexpected(errors), []);
  });
});

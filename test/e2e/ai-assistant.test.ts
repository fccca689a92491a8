import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { startFakeChat, type FakeChat } from '../../plugins/ai/test/assistant/fake-chat.ts';
import { configureAi } from '../../plugins/ai/test/assistant/server.ts';
import { launchBrowser, logIn, screenshot, unexpected, watchedPage } from './support/browser.ts';
import { ADMIN, adminToken, startUiServer } from './support/ui-server.ts';

const CLIENT = { email: 'ada@assistant.test', password: 'Analytical-Engine-1843' };

describe('the AI assistant chat in the admin and the portal (browser)', function () {
  this.timeout(300_000);
  let fake: FakeChat;
  let server: TestServer;
  let browser: Browser;
  let serviceId: string;
  const serviceStatus = async () => ((await server.knex('services').where({ id: serviceId }).first()) as { status: string }).status;

  before(async () => {
    fake = await startFakeChat();
    // The fake endpoint listens on 127.0.0.1: the operator allows private targets (on-premise models do the same).
    server = await startUiServer({ MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
    browser = await launchBrowser();
    const token = await adminToken(server);
    await configureAi(server, token, fake.url);
    const api = async (path: string, body: unknown) => {
      const res = await server.request('POST', path, { token, body });
      assert.equal(res.status, 201, `${path}: ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    const product = await api('/api/v1/products', { name: 'Web', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] });
    const client = await api('/api/v1/clients', { email: CLIENT.email, firstName: 'Ada', lastName: 'Lovelace', country: 'US', currency: 'USD', password: CLIENT.password });
    const placed = await api('/api/v1/orders', { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly' }] });
    await api(`/api/v1/invoices/${placed.invoice.id}/payments`, { amount: placed.invoice.total, gateway: 'manual', transactionId: 'E2E-1' });
    serviceId = placed.services[0].id;
    assert.equal(await serviceStatus(), 'active');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
  });

  it('staff ask, the answer streams in, a proposed suspension runs only on Confirm', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/admin/', ADMIN.email, ADMIN.password);
    await page.getByTestId('assistant-toggle').click();
    fake.script(
      { toolCalls: [{ name: 'suspend_service', arguments: { id: serviceId, body: { reason: 'abuse report' } } }] },
      { content: 'I have proposed suspending the service. Please confirm.', pauseMs: 30 },
    );
    await page.getByLabel('Message').fill(`Suspend service ${serviceId}`);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('I have proposed suspending the service. Please confirm.').waitFor();
    const proposal = page.getByTestId('assistant-proposal');
    await proposal.getByText(/Suspend a service/).waitFor();
    await screenshot(page, 'assistant-admin-proposal');
    assert.equal(await serviceStatus(), 'active', 'nothing runs before Confirm');
    await proposal.getByTestId('proposal-confirm').click();
    await proposal.getByText('done').waitFor();
    assert.equal(await serviceStatus(), 'suspended');
    assert.deepEqual(unexpected(errors), []);
  });

  it('a client asks in the portal and gets the answer', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/client/', CLIENT.email, CLIENT.password);
    fake.script({ toolCalls: [{ name: 'list_invoices', arguments: {} }] }, (req) => {
      const tool = req.messages.filter((m) => m.role === 'tool').at(-1);
      const total = (JSON.parse(String(tool?.content)) as { meta?: { total: number } }).meta?.total;
      return { content: `You have ${String(total)} invoice(s).` };
    });
    await page.getByTestId('assistant-toggle').click();
    await page.getByLabel('Message').fill('How many invoices do I have?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('You have 1 invoice(s).').waitFor();
    await page.getByText('list_invoices: ok (200)').waitFor();
    await screenshot(page, 'assistant-portal-answer');
    assert.deepEqual(unexpected(errors), []);
  });
});

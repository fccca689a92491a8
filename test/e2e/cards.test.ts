import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../core/src/testing/test-server.ts';
import { FakeStripeServer, type FakeStripeAccount } from '../fakes/stripe/server.ts';
import { launchBrowser, logIn, screenshot, watchedPage } from './support/browser.ts';
import { adminToken, startUiServer } from './support/ui-server.ts';
import { StripeStandIn } from './support/stripe-stand-in.ts';

const CLIENT = { email: 'babbage@example.test', password: 'Difference-Engine-1822' };
const WEBHOOK_SECRET = 'whsec_cards_e2e';

interface CardRow {
  id: string;
  stripe_payment_method_id: string;
  is_default: boolean;
  last4: string;
}

/**
 * Saved cards in the portal, from gateway-stripe's runtime UI module (not the core UI): the
 * "Payment methods" page it adds, Stripe.js it loads itself through `host.loadScript`, the
 * Payment Element for a SetupIntent (the stand-in Stripe.js; the fake Stripe API behind it), and
 * the plugin's real server side recording the card at once.
 */
describe('saved cards in the client portal (browser)', () => {
  let stripe: StripeStandIn;
  let server: TestServer;
  let browser: Browser;
  let token: string;
  let account: FakeStripeAccount;
  let clientId = '';

  before(async () => {
    stripe = await new StripeStandIn().start();
    server = await startUiServer(undefined, [stripe.originsModule()]);
    browser = await launchBrowser();
    token = await adminToken(server);
    account = stripe.addAccount();
    const settings = await server.request('PUT', '/api/v1/plugins/gateway-stripe/settings', {
      token,
      body: { secretKey: account.secretKey, publishableKey: account.publishableKey, webhookSecret: WEBHOOK_SECRET },
    });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    const client = await server.request('POST', '/api/v1/clients', { token, body: { email: CLIENT.email, firstName: 'Charles', lastName: 'Babbage', country: 'GB', password: CLIENT.password } });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    clientId = client.body.data.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await stripe?.close();
  });

  const cardsInDb = async (): Promise<CardRow[]> => server.knex('stripe_payment_methods').where({ client_id: clientId }).orderBy('created_at');
  const customerDefault = async () => {
    const { stripe_customer_id: id } = await server.knex('stripe_customers').where({ client_id: clientId }).first();
    return (account.get(id).invoice_settings as { default_payment_method: string | null }).default_payment_method;
  };
  const rows = (page: Page) => page.getByTestId('cards').locator('tbody tr');
  const row = (page: Page, id: string) => page.locator(`tr[data-card="${id}"]`);

  async function addCard(page: Page, count: number): Promise<void> {
    await page.getByTestId('add-card').click();
    await page.getByTestId('stand-in-card').waitFor();
    await page.getByTestId('save-card').click();
    await page.getByText('Card saved').first().waitFor();
    await rows(page).nth(count - 1).waitFor();
    assert.equal(await rows(page).count(), count);
  }

  it('a client adds a card with the Payment Element and sees it as the default; the webhook after it saves nothing twice', async () => {
    const portal = await fetch(`${server.url}/client/`);
    const csp = portal.headers.get('content-security-policy') ?? '';
    for (const origin of ['https://js.stripe.com', 'https://hooks.stripe.com', 'https://api.stripe.com']) assert.ok(csp.includes(origin), `the manifest declares ${origin}: ${csp}`);

    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/client/', CLIENT.email, CLIENT.password);
    await page.getByTestId('main-nav').getByRole('link', { name: 'Payment methods' }).click();
    await page.waitForURL(/\/client\/p\/gateway-stripe\/payment-methods$/);
    await page.getByRole('heading', { name: 'Payment methods' }).waitFor();
    await page.getByTestId('no-cards').waitFor();

    await addCard(page, 1);
    const [card] = await cardsInDb();
    assert.deepEqual([card!.last4, card!.is_default], ['4242', true]);
    assert.match(await row(page, card!.id).innerText(), /Visa •••• 4242/);
    await row(page, card!.id).getByTestId('card-default').waitFor();
    assert.equal(await customerDefault(), card!.stripe_payment_method_id, "Stripe's customer charges it by default");
    await screenshot(page, 'portal-payment-methods');

    // The card was recorded by the page's completion call; Stripe's webhook then changes nothing.
    const seti = account.list('setup_intent', (s) => s.payment_method === card!.stripe_payment_method_id)[0]!;
    const { payload, header } = FakeStripeServer.sign(account.lastEvent('setup_intent.succeeded', seti.id) as unknown as Record<string, unknown>, WEBHOOK_SECRET);
    const webhook = await server.request('POST', '/api/webhooks/stripe', { raw: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
    assert.equal(webhook.status, 200, JSON.stringify(webhook.body));
    assert.equal(webhook.body.outcome ?? webhook.body.data?.outcome, 'already-saved');
    assert.equal((await cardsInDb()).length, 1);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a client adds a second card, makes it the default and removes the first', async () => {
    const { page, errors } = await watchedPage(browser, server.url);
    await logIn(page, '/client/p/gateway-stripe/payment-methods', CLIENT.email, CLIENT.password);
    await rows(page).first().waitFor();
    await addCard(page, 2);
    const [first, second] = await cardsInDb();
    assert.deepEqual([first!.is_default, second!.is_default], [true, false], 'a later card is not the default by itself');
    assert.equal(await row(page, second!.id).getByTestId('card-default').count(), 0);

    await row(page, second!.id).getByRole('button', { name: 'Make default' }).click();
    await row(page, second!.id).getByTestId('card-default').waitFor();
    assert.equal(await row(page, first!.id).getByTestId('card-default').count(), 0);
    assert.deepEqual((await cardsInDb()).map((c) => [c.id, c.is_default]), [[first!.id, false], [second!.id, true]]);
    assert.equal(await customerDefault(), second!.stripe_payment_method_id);

    await row(page, first!.id).getByRole('button', { name: 'Remove' }).click();
    await row(page, first!.id).getByRole('button', { name: 'Yes, remove' }).click();
    await row(page, first!.id).waitFor({ state: 'detached' });
    assert.equal(await rows(page).count(), 1);
    await screenshot(page, 'portal-payment-methods-removed');
    assert.deepEqual((await cardsInDb()).map((c) => c.id), [second!.id]);
    assert.equal(account.get(first!.stripe_payment_method_id).customer, null, 'detached at Stripe');
    const listed = await server.request('GET', `/api/v1/gateway-stripe/cards?clientId=${clientId}`, { token });
    assert.deepEqual(listed.body.data.map((c: { id: string; isDefault: boolean }) => [c.id, c.isDefault]), [[second!.id, true]]);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});

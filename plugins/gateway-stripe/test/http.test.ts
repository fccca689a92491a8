import assert from 'node:assert/strict';
// The SDK's test host (`@mpanel/sdk/testing`) is not there yet; until then the plugin's HTTP tests
// boot the real platform with core's test server.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, superAdminToken } from '../../../core/src/testing/auth.ts';
import { FakeStripeServer, type FakeStripeAccount } from '../../../test/fakes/stripe/server.ts';
import { sharedBilling as billing } from './support/memory-billing.ts';
import { pluginDirectory } from './support/plugin-dir.ts';

interface TenantSetup {
  id: string;
  token: string;
  account: FakeStripeAccount;
  webhookSecret: string;
}

describe('gateway-stripe over HTTP (settings, pay, webhooks)', () => {
  const plugins = pluginDirectory();
  let fake: FakeStripeServer;
  let server: TestServer;
  let a: TenantSetup;
  let b: TenantSetup;
  const previousUrl = process.env.STRIPE_API_URL;

  async function configure(id: string, token: string, secret: string): Promise<TenantSetup> {
    const account = fake.addAccount();
    const res = await server.request('PUT', '/api/v1/plugins/gateway-stripe/settings', {
      token,
      body: { secretKey: account.secretKey, publishableKey: account.publishableKey, webhookSecret: secret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { id, token, account, webhookSecret: secret };
  }

  function post(path: string, event: object, secret: string, mutate: (payload: string) => string = (p) => p) {
    const { payload, header } = FakeStripeServer.sign(event as Record<string, unknown>, secret);
    return server.request('POST', path, { raw: mutate(payload), headers: { 'content-type': 'application/json', 'stripe-signature': header } });
  }

  before(async function () {
    this.timeout(180_000); // the first server of a run builds the admin UI
    fake = await new FakeStripeServer().start();
    process.env.STRIPE_API_URL = fake.url;
    server = await startTestServer({ plugins: { directories: [plugins.dir] }, env: process.env.GW_DEBUG ? { LOG_LEVEL: 'error' } : {} });
    const admin = await superAdminToken(server);
    const me = await server.request('GET', '/api/v1/auth/me', { token: admin });
    a = await configure(me.body.data.tenant.id, admin, 'whsec_tenant_a');
    const other = await createTenantWithAdmin(server);
    b = await configure(other.tenant.id, other.token, 'whsec_tenant_b');
  });
  after(async () => {
    await server?.close();
    await fake?.close();
    plugins.remove();
    if (previousUrl === undefined) delete process.env.STRIPE_API_URL;
    else process.env.STRIPE_API_URL = previousUrl;
  });

  async function payInvoice(t: TenantSetup, total = 1999) {
    const client = billing.addClient(t.id);
    const invoice = billing.addInvoice(t.id, client.id, total);
    const res = await server.request('POST', `/api/v1/invoices/${invoice.id}/pay`, { token: t.token, body: { gateway: 'stripe' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { invoice, session: res.body.data };
  }

  it('is active, and never returns the secrets it stores', async () => {
    const health = await server.request('GET', '/api/health');
    assert.deepEqual(health.body.plugins.find((p: { id: string }) => p.id === 'gateway-stripe')?.status, 'active');
    const res = await server.request('GET', '/api/v1/plugins/gateway-stripe/settings', { token: a.token });
    assert.equal(res.status, 200);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(a.account.secretKey), text);
    assert.ok(!text.includes(a.webhookSecret), text);
    assert.ok(text.includes(a.account.publishableKey), text);
  });

  it('pay → client secret and publishable key → signed webhook → invoice paid, once', async () => {
    const { invoice, session } = await payInvoice(a);
    assert.match(session.id, /^pi_/);
    assert.ok(session.clientSecret.startsWith(session.id));
    assert.equal(session.client.publishableKey, a.account.publishableKey);
    a.account.confirmPaymentIntent(session.id, { payment_method: 'pm_card_visa' });
    const event = a.account.lastEvent('payment_intent.succeeded', session.id);
    const first = await post(`/api/webhooks/stripe/${a.id}`, event, a.webhookSecret);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(billing.invoice(invoice.id).status, 'paid');
    const again = await post(`/api/webhooks/stripe/${a.id}`, event, a.webhookSecret);
    assert.equal(again.status, 200);
    assert.equal(billing.payments.filter((p) => p.transactionId === session.id).length, 1);
  });

  it('the Host-resolved endpoint works for the default tenant', async () => {
    const { invoice, session } = await payInvoice(a);
    a.account.confirmPaymentIntent(session.id, { payment_method: 'pm_card_visa' });
    const res = await post('/api/webhooks/stripe', a.account.lastEvent('payment_intent.succeeded', session.id), a.webhookSecret);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(billing.invoice(invoice.id).status, 'paid');
  });

  it('a tampered, unsigned or wrongly signed webhook gets 400 and changes nothing', async () => {
    const { invoice, session } = await payInvoice(a);
    a.account.confirmPaymentIntent(session.id, { payment_method: 'pm_card_visa' });
    const event = a.account.lastEvent('payment_intent.succeeded', session.id);
    const tampered = await post(`/api/webhooks/stripe/${a.id}`, event, a.webhookSecret, (p) => p.replace(session.id, `${session.id}x`));
    assert.equal(tampered.status, 400);
    const unsigned = await server.request('POST', `/api/webhooks/stripe/${a.id}`, { raw: JSON.stringify(event), headers: { 'content-type': 'application/json' } });
    assert.equal(unsigned.status, 400);
    const wrong = await post(`/api/webhooks/stripe/${a.id}`, event, 'whsec_someone_else');
    assert.equal(wrong.status, 400);
    assert.equal(billing.invoice(invoice.id).status, 'unpaid');
    assert.equal(billing.payments.filter((p) => p.transactionId === session.id).length, 0);
  });

  it("tenant A's webhook secret cannot mark tenant B's invoice paid", async () => {
    const { invoice, session } = await payInvoice(b);
    b.account.confirmPaymentIntent(session.id, { payment_method: 'pm_card_visa' });
    const event = b.account.lastEvent('payment_intent.succeeded', session.id);
    // Signed with A's secret, sent to B's endpoint: B's secret does not verify it.
    assert.equal((await post(`/api/webhooks/stripe/${b.id}`, event, a.webhookSecret)).status, 400);
    // Signed with A's secret, sent to A's endpoint: A's Stripe account has no such intent.
    const toA = await post(`/api/webhooks/stripe/${a.id}`, event, a.webhookSecret);
    assert.equal(toA.status, 200);
    assert.equal(billing.invoice(invoice.id).status, 'unpaid');
    // B's own signed delivery is the one that counts.
    assert.equal((await post(`/api/webhooks/stripe/${b.id}`, event, b.webhookSecret)).status, 200);
    assert.equal(billing.invoice(invoice.id).status, 'paid');
  });
});

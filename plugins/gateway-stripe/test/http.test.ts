import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createUser } from '../../../core/src/testing/auth.ts';
import { FakeStripeServer } from '../../../test/fakes/stripe/server.ts';
import { GatewayHarness, type Tenant } from './support/harness.ts';
import { chargeOffSession } from '../src/off-session.ts';

/**
 * gateway-stripe and the real billing plugin over HTTP, end to end: billing's pay route through
 * the PaymentGateway extension point, signed webhooks into billing's payments, `invoice.paid` in
 * the outbox, the order's service activated; billing's run charging saved cards; refunds from
 * billing's route through Stripe.
 */
describe('gateway-stripe + billing over HTTP', function () {
  this.timeout(180_000);
  let h: GatewayHarness;
  let a: Tenant;
  let b: Tenant;
  let product: { id: string };

  const req = (method: string, path: string, token: string, body?: unknown) => h.server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  function post(path: string, event: object, secret: string, options: { mutate?: (payload: string) => string; timestamp?: number } = {}) {
    const { payload, header } = FakeStripeServer.sign(event as Record<string, unknown>, secret, options.timestamp);
    return h.server.request('POST', path, { raw: (options.mutate ?? ((p) => p))(payload), headers: { 'content-type': 'application/json', 'stripe-signature': header } });
  }
  const statusOf = async (invoiceId: string) => (await h.invoiceRow(invoiceId)).status;

  before(async () => {
    h = await new GatewayHarness().start();
    a = await h.tenant('whsec_tenant_a');
    b = await h.tenant('whsec_tenant_b');
    const p = await req('POST', '/api/v1/products', a.token, { name: 'VPS', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 1999 }] });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    product = p.body.data;
  });
  after(() => h?.stop());

  /** A client of tenant A with a portal login, who orders the VPS: an unpaid invoice and a pending service. */
  async function portalOrder() {
    const client = await h.client(a);
    const portal = await createUser(h.server, a.token, ['client'], { clientId: client.id });
    const placed = await req('POST', '/api/v1/orders', portal.token, { items: [{ productId: product.id, cycle: 'monthly' }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    return { client, token: portal.token, invoice: placed.body.data.invoice as { id: string; total: number }, serviceId: placed.body.data.services[0].id as string };
  }

  async function pay(t: Tenant, token: string, invoiceId: string) {
    const res = await req('POST', `/api/v1/invoices/${invoiceId}/pay`, token, { gateway: 'stripe' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { clientSecret: string; paymentIntentId: string; publishableKey: string; amount: number; currency: string; client: { stripeJsUrl: string } };
  }

  it('is active, and never returns the secrets it stores', async () => {
    const res = await req('GET', '/api/v1/plugins/gateway-stripe/settings', a.token);
    assert.equal(res.status, 200);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(a.account.secretKey), text);
    assert.ok(!text.includes(a.webhookSecret), text);
    assert.ok(text.includes(a.account.publishableKey), text);
  });

  it('order → pay → signed webhook → invoice paid, invoice.paid in the outbox, service active; the same webhook again changes nothing', async () => {
    const { token, invoice, serviceId } = await portalOrder();
    const other = await portalOrder();
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/pay`, other.token, { gateway: 'stripe' })).status, 404, "another client cannot pay this invoice");

    const session = await pay(a, token, invoice.id);
    assert.match(session.paymentIntentId, /^pi_/);
    assert.ok(session.clientSecret.startsWith(session.paymentIntentId));
    assert.deepEqual([session.publishableKey, session.amount, session.currency], [a.account.publishableKey, invoice.total, 'EUR']);
    assert.equal(session.client.stripeJsUrl, 'https://js.stripe.com/v3/', "the portal loads Stripe's own Stripe.js (MPANEL_STRIPE_JS_URL unset)");
    assert.equal((await pay(a, token, invoice.id)).paymentIntentId, session.paymentIntentId, 'paying twice reuses the intent');

    a.account.confirmPaymentIntent(session.paymentIntentId, { payment_method: 'pm_card_visa' });
    const event = a.account.lastEvent('payment_intent.succeeded', session.paymentIntentId);
    const first = await post(`/api/webhooks/stripe/${a.id}`, event, a.webhookSecret);
    assert.deepEqual([first.status, first.body.data?.outcome ?? first.body.outcome], [200, 'recorded'], JSON.stringify(first.body));
    const again = await post(`/api/webhooks/stripe/${a.id}`, event, a.webhookSecret);
    assert.equal(again.status, 200);

    const paid = (await req('GET', `/api/v1/invoices/${invoice.id}`, token)).body.data;
    assert.deepEqual([paid.status, paid.amountDue, paid.payments.length, paid.payments[0].transactionId], ['paid', 0, 1, session.paymentIntentId]);
    assert.equal((await h.outbox('invoice.paid', invoice.id)).length, 1);
    assert.equal((await req('GET', `/api/v1/services/${serviceId}`, token)).body.data.status, 'active');
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/pay`, token, { gateway: 'stripe' })).status, 409, 'nothing left to pay');
  });

  it('the Host-resolved endpoint works for the default tenant', async () => {
    const { token, invoice } = await portalOrder();
    const session = await pay(a, token, invoice.id);
    a.account.confirmPaymentIntent(session.paymentIntentId, { payment_method: 'pm_card_visa' });
    const res = await post('/api/webhooks/stripe', a.account.lastEvent('payment_intent.succeeded', session.paymentIntentId), a.webhookSecret);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(await statusOf(invoice.id), 'paid');
  });

  it('a tampered, unsigned, wrongly signed or expired webhook gets 400 and changes nothing', async () => {
    const { token, invoice } = await portalOrder();
    const session = await pay(a, token, invoice.id);
    a.account.confirmPaymentIntent(session.paymentIntentId, { payment_method: 'pm_card_visa' });
    const event = a.account.lastEvent('payment_intent.succeeded', session.paymentIntentId);
    const path = `/api/webhooks/stripe/${a.id}`;
    assert.equal((await post(path, event, a.webhookSecret, { mutate: (p) => p.replace(session.paymentIntentId, `${session.paymentIntentId}x`) })).status, 400);
    assert.equal((await h.server.request('POST', path, { raw: JSON.stringify(event), headers: { 'content-type': 'application/json' } })).status, 400);
    assert.equal((await post(path, event, 'whsec_someone_else')).status, 400);
    assert.equal((await post(path, event, a.webhookSecret, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status, 400);
    assert.equal(await statusOf(invoice.id), 'unpaid');
    assert.equal((await h.payments({ transaction_id: session.paymentIntentId })).length, 0);
    assert.equal(await h.knex('stripe_webhook_events').where({ event_id: event.id }).first(), undefined, 'the event id was not claimed');
  });

  it("tenant A's webhook secret cannot mark tenant B's invoice paid", async () => {
    const client = await h.client(b);
    const invoice = await h.invoice(b, client.id, 1500);
    const session = await pay(b, b.token, invoice.id);
    b.account.confirmPaymentIntent(session.paymentIntentId, { payment_method: 'pm_card_visa' });
    const event = b.account.lastEvent('payment_intent.succeeded', session.paymentIntentId);
    // Signed with A's secret, sent to B's endpoint: B's secret does not verify it.
    assert.equal((await post(`/api/webhooks/stripe/${b.id}`, event, a.webhookSecret)).status, 400);
    // Signed with A's secret, sent to A's endpoint: A's Stripe account has no such intent.
    assert.equal((await post(`/api/webhooks/stripe/${a.id}`, event, a.webhookSecret)).status, 200);
    assert.equal(await statusOf(invoice.id), 'unpaid');
    // B's own signed delivery is the one that counts.
    assert.equal((await post(`/api/webhooks/stripe/${b.id}`, event, b.webhookSecret)).status, 200);
    assert.equal(await statusOf(invoice.id), 'paid');
  });

  describe("billing's charge step with saved cards", () => {
    let c: Tenant;
    const RUN_DATE = '2026-03-01';
    before(async () => { c = await h.tenant(); });

    /** A client of tenant C who saved `card` through a SetupIntent, with a portal login. */
    async function clientWithCard(card: string) {
      const client = await h.client(c);
      const setup = await req('POST', '/api/v1/gateway-stripe/cards/setup', c.token, { clientId: client.id });
      assert.equal(setup.status, 201, JSON.stringify(setup.body));
      c.account.completeSetup(setup.body.data.setupIntentId, card);
      assert.equal((await post(`/api/webhooks/stripe/${c.id}`, c.account.lastEvent('setup_intent.succeeded', setup.body.data.setupIntentId), c.webhookSecret)).status, 200);
      const portal = await createUser(h.server, c.token, ['client'], { clientId: client.id, tenant: c.slug });
      return { client, token: portal.token };
    }
    const offSessionCreates = (invoiceId: string) =>
      h.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.params.off_session === 'true' && (r.params.metadata as Record<string, string> | undefined)?.invoiceId === invoiceId).length;
    const run = async () => {
      const res = await req('POST', '/api/v1/billing/runs', c.token, { date: RUN_DATE, force: true });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };

    it('charges due invoices off session once (success, decline, requires_action), skips clients without a card, and a rerun charges nothing more', async () => {
      const good = await clientWithCard('pm_card_visa');
      const declined = await clientWithCard('pm_card_chargeDeclined');
      const sca = await clientWithCard('pm_card_authenticationRequired');
      const noCard = await h.client(c);
      const inv = {
        good: await h.invoice(c, good.client.id, 1200, RUN_DATE),
        declined: await h.invoice(c, declined.client.id, 1300, RUN_DATE),
        sca: await h.invoice(c, sca.client.id, 1400, RUN_DATE),
        noCard: await h.invoice(c, noCard.id, 1500, RUN_DATE),
        later: await h.invoice(c, good.client.id, 1600, '2026-03-20'),
      };
      await run();
      assert.deepEqual(
        await Promise.all([inv.good, inv.declined, inv.sca, inv.noCard, inv.later].map((i) => statusOf(i.id))),
        ['paid', 'unpaid', 'unpaid', 'unpaid', 'unpaid'],
      );
      const charges = Object.fromEntries((await h.knex('invoice_charges').where({ tenant_id: c.id })).map((r) => [r.invoice_id, [r.attempt, r.status, r.gateway]]));
      assert.deepEqual(charges, {
        [inv.good.id]: [1, 'succeeded', 'stripe'],
        [inv.declined.id]: [1, 'failed', 'stripe'],
        [inv.sca.id]: [1, 'requires_action', 'stripe'],
        [inv.noCard.id]: [1, 'skipped', null],
      });
      assert.equal((await h.payments({ invoice_id: inv.good.id })).length, 1);
      assert.equal((await h.outbox('invoice.paid', inv.good.id)).length, 1);
      assert.equal((await h.outbox('payment.failed', inv.declined.id)).length, 1, 'the client is told of the decline');
      assert.equal((await h.outbox('payment.actionRequired', inv.sca.id)).length, 1, 'the client is asked to authenticate');

      await run();
      for (const i of [inv.good, inv.declined, inv.sca]) assert.equal(offSessionCreates(i.id), 1, 'billing made attempt 1 only; retries are the gateway\'s');
      assert.equal(offSessionCreates(inv.noCard.id), 0);
      assert.equal((await h.payments({ invoice_id: inv.good.id })).length, 1);

      // 3-D Secure: the owner gets the intent's client secret, finishes authentication, the webhook pays.
      assert.equal((await req('GET', `/api/v1/gateway-stripe/invoices/${inv.sca.id}/intent`, good.token)).status, 404, "another client's invoice");
      assert.equal((await req('GET', `/api/v1/gateway-stripe/invoices/${inv.sca.id}/intent`, b.token)).status, 404, "another tenant's invoice");
      const intent = await req('GET', `/api/v1/gateway-stripe/invoices/${inv.sca.id}/intent`, sca.token);
      assert.equal(intent.status, 200, JSON.stringify(intent.body));
      assert.ok(intent.body.data.clientSecret.startsWith(intent.body.data.paymentIntentId));
      assert.equal(intent.body.data.publishableKey, c.account.publishableKey);
      const pm = (await h.knex('stripe_payment_methods').where({ tenant_id: c.id, client_id: sca.client.id }).first()).stripe_payment_method_id;
      c.account.confirmPaymentIntent(intent.body.data.paymentIntentId, { payment_method: pm });
      c.account.completeAction(intent.body.data.paymentIntentId, true);
      const res = await post(`/api/webhooks/stripe/${c.id}`, c.account.lastEvent('payment_intent.succeeded', intent.body.data.paymentIntentId), c.webhookSecret);
      assert.equal(res.status, 200);
      assert.equal(await statusOf(inv.sca.id), 'paid');
      assert.equal((await req('GET', `/api/v1/gateway-stripe/invoices/${inv.sca.id}/intent`, sca.token)).status, 404, 'nothing left to authenticate');
    });

    it('a run killed after claiming (and even after charging) is finished by the next run with one charge', async () => {
      const { client } = await clientWithCard('pm_card_visa');
      const charged = await h.invoice(c, client.id, 1700, RUN_DATE);
      const notCharged = await h.invoice(c, client.id, 1800, RUN_DATE);
      // The killed run: both attempts claimed and committed; Stripe had charged the first one.
      await h.knex('invoice_charges').insert([charged, notCharged].map((i) => ({ tenant_id: c.id, invoice_id: i.id, attempt: 1 })));
      // …and its gateway transaction (payment, intent row) rolled back with the process.
      await assert.rejects(h.as(c, async (call) => {
        assert.equal((await chargeOffSession(call, charged, { attempt: 1 })).status, 'succeeded');
        throw new Error('killed');
      }), /killed/);
      assert.equal(await statusOf(charged.id), 'unpaid');
      await run();
      for (const i of [charged, notCharged]) {
        assert.equal(await statusOf(i.id), 'paid');
        assert.equal((await h.payments({ invoice_id: i.id })).length, 1);
        assert.equal(c.account.list('payment_intent', (o) => (o.metadata as Record<string, string>).invoiceId === i.id).length, 1, 'one charge at Stripe');
      }
      assert.deepEqual((await h.knex('invoice_charges').whereIn('invoice_id', [charged.id, notCharged.id])).map((r) => r.status), ['succeeded', 'succeeded']);
    });

    it('a portal client saves a card: setup, confirmed at Stripe, completed at once as the default; the webhook after it changes nothing', async () => {
      const client = await h.client(c);
      const portal = await createUser(h.server, c.token, ['client'], { clientId: client.id, tenant: c.slug });
      const other = await createUser(h.server, c.token, ['client'], { clientId: (await h.client(c)).id, tenant: c.slug });
      const config = await req('GET', '/api/v1/gateway-stripe/config', portal.token);
      assert.deepEqual(config.body.data, { publishableKey: c.account.publishableKey, stripeJsUrl: 'https://js.stripe.com/v3/' });

      const setup = await req('POST', '/api/v1/gateway-stripe/cards/setup', portal.token, {});
      assert.equal(setup.status, 201, JSON.stringify(setup.body));
      const { setupIntentId } = setup.body.data;
      const complete = (token: string, body: Record<string, unknown> = { setupIntentId }) => req('POST', '/api/v1/gateway-stripe/cards/setup/complete', token, body);
      assert.deepEqual((await complete(portal.token)).body.data, { setupIntentId, outcome: 'pending', card: null }, 'nothing to save before Stripe.js confirms');

      c.account.completeSetup(setupIntentId, 'pm_card_mastercard');
      assert.equal((await complete(other.token)).status, 404, "another client's SetupIntent");
      assert.equal((await complete(b.token)).status, 404, "another tenant's Stripe account has no such SetupIntent");
      assert.equal((await complete(portal.token, { setupIntentId: 'not-a-seti' })).status, 400);
      const saved = await complete(portal.token);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual([saved.body.data.outcome, saved.body.data.card.brand, saved.body.data.card.last4, saved.body.data.card.isDefault], ['saved', 'mastercard', '4444', true]);
      const rows = await h.knex('stripe_payment_methods').where({ tenant_id: c.id, client_id: client.id });
      assert.deepEqual(rows.map((r) => [r.id, r.is_default]), [[saved.body.data.card.id, true]]);
      const customer = (await h.knex('stripe_customers').where({ tenant_id: c.id, client_id: client.id }).first()).stripe_customer_id;
      assert.equal((c.account.get(customer).invoice_settings as { default_payment_method: string }).default_payment_method, rows[0].stripe_payment_method_id);

      assert.equal((await complete(portal.token)).body.data.outcome, 'already-saved', 'completing twice saves once');
      const webhook = await post(`/api/webhooks/stripe/${c.id}`, c.account.lastEvent('setup_intent.succeeded', setupIntentId), c.webhookSecret);
      assert.equal(webhook.status, 200);
      assert.equal(webhook.body.outcome ?? webhook.body.data?.outcome, 'already-saved');
      assert.equal((await h.knex('stripe_payment_methods').where({ tenant_id: c.id, client_id: client.id })).length, 1);
      const listed = await req('GET', '/api/v1/gateway-stripe/cards', portal.token);
      assert.deepEqual(listed.body.data.map((card: { last4: string; isDefault: boolean }) => [card.last4, card.isDefault]), [['4444', true]]);
      assert.equal((await req('GET', '/api/v1/gateway-stripe/cards', other.token)).body.data.length, 0);
    });

    it('a client-role user must belong to a client account of its own tenant; one without is refused, not taken for staff', async () => {
      const { client } = await clientWithCard('pm_card_visa');
      const user = (body: Record<string, unknown>) => req('POST', '/api/v1/users', c.token, { email: `nobody-${Math.random()}@example.test`, password: 'plenty-long-test-passphrase', roles: ['client'], ...body });
      const missing = await user({});
      assert.equal(missing.status, 400, JSON.stringify(missing.body));
      assert.ok(missing.body.details.clientId);
      const foreign = await user({ clientId: (await h.client(a)).id });
      assert.equal(foreign.status, 400, 'a client account of another tenant');
      assert.ok(foreign.body.details.clientId);
      const unknown = await user({ clientId: '00000000-0000-4000-8000-000000000000' });
      assert.equal(unknown.status, 400);

      const portal = await createUser(h.server, c.token, ['client'], { clientId: client.id, tenant: c.slug });
      const unbind = await req('PATCH', `/api/v1/users/${portal.id}`, c.token, { clientId: null });
      assert.equal(unbind.status, 400, 'unbinding a client user');
      assert.equal((await req('GET', '/api/v1/gateway-stripe/cards', portal.token)).body.data.length, 1);
      // A row left without a client account (written before the rule): no access at all, not staff's.
      await h.knex('users').where({ id: portal.id }).update({ client_id: null });
      const listed = await req('GET', `/api/v1/gateway-stripe/cards?clientId=${client.id}`, portal.token);
      assert.equal(listed.status, 401, JSON.stringify(listed.body));
    });

    it("a saved card of another client or tenant is a 404, also where Stripe is not configured", async () => {
      const { client } = await clientWithCard('pm_card_visa');
      const card = await h.knex('stripe_payment_methods').where({ tenant_id: c.id, client_id: client.id }).first();
      const other = await h.client(c);
      const otherPortal = await createUser(h.server, c.token, ['client'], { clientId: other.id, tenant: c.slug });
      assert.equal((await req('POST', `/api/v1/gateway-stripe/cards/${card.id}/default`, otherPortal.token, {})).status, 404);
      assert.equal((await req('DELETE', `/api/v1/gateway-stripe/cards/${card.id}`, otherPortal.token)).status, 404);
      assert.equal((await req('DELETE', `/api/v1/gateway-stripe/cards/${card.id}`, b.token)).status, 404);
      assert.equal((await req('POST', `/api/v1/gateway-stripe/cards/${card.id}/default`, c.token, {})).status, 200, 'staff may name the card alone');
      const listed = await req('GET', `/api/v1/gateway-stripe/cards?clientId=${client.id}`, c.token);
      assert.deepEqual([listed.status, listed.body.data.map((x: { id: string }) => x.id)], [200, [card.id]], 'stored cards list without a Stripe key');
    });
  });

  it("partial then full refund from billing's route through Stripe; the charge.refunded webhook records nothing twice", async () => {
    const { token, invoice } = await portalOrder();
    const session = await pay(a, token, invoice.id);
    a.account.confirmPaymentIntent(session.paymentIntentId, { payment_method: 'pm_card_visa' });
    await post(`/api/webhooks/stripe/${a.id}`, a.account.lastEvent('payment_intent.succeeded', session.paymentIntentId), a.webhookSecret);

    const partial = await req('POST', `/api/v1/invoices/${invoice.id}/refunds`, a.token, { amount: 500, reason: 'goodwill' });
    assert.equal(partial.status, 201, JSON.stringify(partial.body));
    assert.deepEqual([partial.body.data.status, partial.body.data.amountPaid], ['paid', invoice.total - 500]);
    assert.equal((await post(`/api/webhooks/stripe/${a.id}`, a.account.lastEvent('charge.refunded'), a.webhookSecret)).status, 200);
    const full = await req('POST', `/api/v1/invoices/${invoice.id}/refunds`, a.token, { amount: invoice.total - 500 });
    assert.equal(full.status, 201, JSON.stringify(full.body));
    assert.equal((await post(`/api/webhooks/stripe/${a.id}`, a.account.lastEvent('charge.refunded'), a.webhookSecret)).status, 200);

    const refunds = await h.refunds(invoice.id);
    const stripeRefunds = a.account.list('refund', (r) => r.payment_intent === session.paymentIntentId);
    assert.deepEqual(refunds.map((r) => Number(r.amount)), [500, invoice.total - 500]);
    assert.deepEqual(new Set(refunds.map((r) => r.gateway_refund_id)), new Set(stripeRefunds.map((r) => r.id)));
    assert.equal(await statusOf(invoice.id), 'refunded');
  });
});

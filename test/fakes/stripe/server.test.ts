import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { FakeStripeServer, type FakeStripeAccount } from './server.ts';

/** The fake is only useful if the official SDK talks to it exactly as it talks to Stripe. */
describe('fake Stripe API (driven by the official stripe SDK)', () => {
  let fake: FakeStripeServer;
  let account: FakeStripeAccount;
  let stripe: Stripe;

  before(async () => {
    fake = await new FakeStripeServer().start();
    account = fake.addAccount('sk_test_tenant_a');
    stripe = new Stripe(account.secretKey, fake.clientOptions());
  });
  after(() => fake.close());

  it('rejects an unknown secret key with an authentication error', async () => {
    const other = new Stripe('sk_test_nobody', fake.clientOptions());
    await assert.rejects(other.balance.retrieve(), (err: unknown) => err instanceof Stripe.errors.StripeAuthenticationError);
  });

  it('answers the cheap settings test call', async () => {
    const balance = await stripe.balance.retrieve();
    assert.equal(balance.object, 'balance');
  });

  it('creates a PaymentIntent with metadata and completes it like Stripe.js would', async () => {
    const customer = await stripe.customers.create({ email: 'c@example.test', metadata: { clientId: 'c1' } });
    assert.match(customer.id, /^cus_/);
    const pi = await stripe.paymentIntents.create({
      amount: 1250,
      currency: 'eur',
      customer: customer.id,
      metadata: { invoiceId: 'inv-1', tenantId: 't-1' },
      automatic_payment_methods: { enabled: true },
    });
    assert.match(pi.id, /^pi_/);
    assert.equal(pi.status, 'requires_payment_method');
    assert.deepEqual(pi.metadata, { invoiceId: 'inv-1', tenantId: 't-1' });
    assert.ok(pi.client_secret?.startsWith(`${pi.id}_secret_`));

    account.confirmPaymentIntent(pi.id, { payment_method: 'pm_card_visa' });
    const paid = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    assert.equal(paid.status, 'succeeded');
    assert.equal(paid.amount_received, 1250);
    const charge = paid.latest_charge as Stripe.Charge;
    assert.equal(charge.object, 'charge');
    assert.equal(charge.payment_intent, pi.id);
    assert.equal(account.lastEvent('payment_intent.succeeded', pi.id).data.object.status, 'succeeded');
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses different parameters', async () => {
    const first = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' }, { idempotencyKey: 'inv-2:500' });
    const again = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' }, { idempotencyKey: 'inv-2:500' });
    assert.equal(again.id, first.id);
    assert.equal(account.list('payment_intent', (o) => o.amount === 500).length, 1);
    await assert.rejects(
      stripe.paymentIntents.create({ amount: 600, currency: 'usd' }, { idempotencyKey: 'inv-2:500' }),
      (err: unknown) => err instanceof Stripe.errors.StripeIdempotencyError,
    );
  });

  it('keeps accounts apart: another key cannot read this account\'s objects', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    const other = new Stripe(fake.addAccount('sk_test_tenant_b').secretKey, fake.clientOptions());
    await assert.rejects(other.paymentIntents.retrieve(pi.id), (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing');
  });

  it('confirms a SetupIntent over the API (what Stripe.js does), once', async () => {
    const customer = await stripe.customers.create({});
    const seti = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    const confirmed = await stripe.setupIntents.confirm(seti.id, { payment_method: 'pm_card_mastercard' });
    assert.equal(confirmed.status, 'succeeded');
    const pm = await stripe.paymentMethods.retrieve(confirmed.payment_method as string);
    assert.deepEqual([pm.customer, pm.card?.brand], [customer.id, 'mastercard']);
    assert.equal(account.lastEvent('setup_intent.succeeded', seti.id).type, 'setup_intent.succeeded');
    await assert.rejects(stripe.setupIntents.confirm(seti.id, { payment_method: 'pm_card_visa' }), (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError);
  });

  it('charges a saved card off session: success, decline, authentication required', async () => {
    const customer = await stripe.customers.create({});
    const seti = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    account.completeSetup(seti.id, 'pm_card_visa');
    const setup = await stripe.setupIntents.retrieve(seti.id);
    assert.equal(setup.status, 'succeeded');
    const pmId = setup.payment_method as string;
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pmId } });
    const methods = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    assert.deepEqual(methods.data.map((m) => m.id), [pmId]);
    assert.equal(methods.data[0]!.card?.last4, '4242');

    const ok = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', customer: customer.id, payment_method: pmId, off_session: true, confirm: true });
    assert.equal(ok.status, 'succeeded');

    account.setOutcome(pmId, 'declines');
    const declined = await stripe.paymentIntents
      .create({ amount: 900, currency: 'usd', customer: customer.id, payment_method: pmId, off_session: true, confirm: true })
      .then(() => assert.fail('expected a card error'), (err: unknown) => err);
    assert.ok(declined instanceof Stripe.errors.StripeCardError);
    assert.equal(declined.code, 'card_declined');
    assert.equal(declined.payment_intent?.status, 'requires_payment_method');

    account.setOutcome(pmId, 'requires_action');
    const auth = await stripe.paymentIntents
      .create({ amount: 900, currency: 'usd', customer: customer.id, payment_method: pmId, off_session: true, confirm: true })
      .then(() => assert.fail('expected a card error'), (err: unknown) => err);
    assert.ok(auth instanceof Stripe.errors.StripeCardError);
    assert.equal(auth.code, 'authentication_required');
    const onSession = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', customer: customer.id, payment_method: pmId, confirm: true });
    assert.equal(onSession.status, 'requires_action');
  });

  it('refunds partially then fully, and refuses more than was paid', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const partial = await stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
    assert.match(partial.id, /^re_/);
    assert.equal(partial.amount, 300);
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id, amount: 800 }), (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError);
    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    assert.equal(rest.amount, 700);
    const charge = await stripe.charges.retrieve(rest.charge as string);
    assert.equal(charge.amount_refunded, 1000);
    assert.equal(charge.refunded, true);
  });

  it('signs events that the SDK verifies, and whose tampering it detects', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const event = account.lastEvent('payment_intent.succeeded', pi.id);
    const { payload, header } = FakeStripeServer.sign(event, 'whsec_test');
    const verified = await stripe.webhooks.constructEventAsync(payload, header, 'whsec_test', 300);
    assert.equal(verified.id, event.id);
    const tampered = payload.replace('"amount": 100', '"amount": 1');
    assert.notEqual(tampered, payload);
    await assert.rejects(stripe.webhooks.constructEventAsync(tampered, header, 'whsec_test', 300));
    await assert.rejects(stripe.webhooks.constructEventAsync(payload, header, 'whsec_other', 300));
    const old = FakeStripeServer.sign(event, 'whsec_test', Math.floor(Date.now() / 1000) - 301);
    await assert.rejects(stripe.webhooks.constructEventAsync(old.payload, old.header, 'whsec_test', 300));
  });
});

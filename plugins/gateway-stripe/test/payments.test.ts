import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { FakeStripeServer } from '../../../test/fakes/stripe/server.ts';
import { startCheckout } from '../src/checkout.ts';
import { processStripeEvent } from '../src/webhooks.ts';
import { reconcileIntent, reconcileOpenIntents } from '../src/reconcile.ts';
import { verifyStripeEvent } from '../src/verify.ts';
import { checkoutKey } from '../src/idempotency.ts';
import { GatewayHarness, type Tenant } from './support/harness.ts';

/** Delivers a recorded fake event the way the webhook route does: verify the signature, then act. */
async function deliver(h: GatewayHarness, tenant: Tenant, event: { id: string }, secret = tenant.webhookSecret): Promise<string> {
  const { payload, header } = FakeStripeServer.sign(event as Record<string, unknown>, secret);
  const verified = await verifyStripeEvent(Buffer.from(payload), header, secret);
  return h.as(tenant, (call) => processStripeEvent(call, verified));
}

describe('gateway-stripe with real billing: paying invoices, webhooks, reconciliation', function () {
  this.timeout(180_000);
  let h: GatewayHarness;
  let a: Tenant;
  let b: Tenant;

  before(async () => {
    h = await new GatewayHarness().start();
    a = await h.tenant();
    b = await h.tenant();
  });
  after(() => h.stop());

  async function invoiceFor(tenant: Tenant, total = 2500) {
    const client = await h.client(tenant);
    return h.invoice(tenant, client.id, total);
  }
  const statusOf = async (invoiceId: string) => (await h.invoiceRow(invoiceId)).status;
  const paymentsOf = async (where: Record<string, unknown>) => (await h.payments(where)).length;

  it('pay → Payment Element → payment_intent.succeeded → invoice paid', async () => {
    const invoice = await invoiceFor(a);
    const session = await h.as(a, (call) => startCheckout(call, invoice));
    assert.match(session.paymentIntentId, /^pi_/);
    assert.ok(session.clientSecret.startsWith(session.paymentIntentId));
    const pi = a.account.get(session.paymentIntentId);
    assert.deepEqual(pi.metadata, { invoiceId: invoice.id, tenantId: a.id, clientId: invoice.clientId });
    assert.equal(pi.amount, 2500);
    assert.equal(pi.currency, 'eur');
    assert.equal(h.fake.requests.find((r) => r.path === '/v1/payment_intents' && r.method === 'POST')?.idempotencyKey, checkoutKey(a.id, invoice.id, 2500, 'EUR'));

    a.account.confirmPaymentIntent(session.paymentIntentId, { payment_method: 'pm_card_visa' });
    assert.equal(await deliver(h, a, a.account.lastEvent('payment_intent.succeeded', session.paymentIntentId)), 'recorded');
    assert.equal(await statusOf(invoice.id), 'paid');
    assert.deepEqual(
      (await h.payments({ invoice_id: invoice.id })).map((p) => [p.gateway, p.transaction_id, Number(p.amount), p.currency]),
      [['stripe', session.paymentIntentId, 2500, 'EUR']],
    );
    assert.equal((await h.outbox('invoice.paid', invoice.id)).length, 1, 'billing wrote invoice.paid to the outbox');
  });

  it('pressing pay twice reuses the open PaymentIntent', async () => {
    const invoice = await invoiceFor(a);
    const first = await h.as(a, (call) => startCheckout(call, invoice));
    const second = await h.as(a, (call) => startCheckout(call, invoice));
    assert.equal(second.paymentIntentId, first.paymentIntentId);
    assert.equal(a.account.list('payment_intent', (o) => (o.metadata as Record<string, string>).invoiceId === invoice.id).length, 1);
  });

  it('the same webhook twice records one payment', async () => {
    const invoice = await invoiceFor(a);
    const { paymentIntentId } = await h.as(a, (call) => startCheckout(call, invoice));
    a.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_visa' });
    const event = a.account.lastEvent('payment_intent.succeeded', paymentIntentId);
    assert.equal(await deliver(h, a, event), 'recorded');
    assert.equal(await deliver(h, a, event), 'duplicate');
    assert.equal(await paymentsOf({ transaction_id: paymentIntentId }), 1);
  });

  it('webhooks in reverse order: a late payment_failed does not undo or re-notify a success', async () => {
    const invoice = await invoiceFor(a);
    const { paymentIntentId } = await h.as(a, (call) => startCheckout(call, invoice));
    // First the card is declined in the browser, then a second card succeeds.
    assert.throws(() => a.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_chargeDeclined' }));
    const failed = a.account.lastEvent('payment_intent.payment_failed', paymentIntentId);
    a.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_visa' });
    const succeeded = a.account.lastEvent('payment_intent.succeeded', paymentIntentId);
    const notified = h.emitted.length;

    assert.equal(await deliver(h, a, succeeded), 'recorded');
    // The stale event still says requires_payment_method; the API says succeeded.
    assert.equal(failed.data.object.status, 'requires_payment_method');
    assert.equal(await deliver(h, a, failed), 'already-recorded');
    assert.equal(await statusOf(invoice.id), 'paid');
    assert.equal(await paymentsOf({ transaction_id: paymentIntentId }), 1);
    assert.equal(h.emitted.length, notified, 'no payment.failed notification after the success');
  });

  it('a declined checkout notifies the client once', async () => {
    const invoice = await invoiceFor(a);
    const { paymentIntentId } = await h.as(a, (call) => startCheckout(call, invoice));
    assert.throws(() => a.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_chargeDeclined' }));
    const failed = a.account.lastEvent('payment_intent.payment_failed', paymentIntentId);
    assert.equal(await deliver(h, a, failed), 'failed');
    const notes = h.emitted.filter((e) => e.payload.transactionId === paymentIntentId);
    assert.deepEqual(notes.map((e) => e.name), ['payment.failed']);
    assert.equal(notes[0]!.payload.invoiceId, invoice.id);
    assert.equal(await statusOf(invoice.id), 'unpaid');
  });

  it('a missed webhook is recovered by reconciliation; the late webhook then records nothing', async () => {
    const invoice = await invoiceFor(a);
    const { paymentIntentId } = await h.as(a, (call) => startCheckout(call, invoice));
    a.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_visa' });
    const late = a.account.lastEvent('payment_intent.succeeded', paymentIntentId);

    const counts = await h.as(a, (call) => reconcileOpenIntents(call, { graceMs: 0 }));
    assert.ok((counts.recorded ?? 0) >= 1, JSON.stringify(counts));
    assert.equal(await statusOf(invoice.id), 'paid');
    assert.equal(await deliver(h, a, late), 'already-recorded');
    assert.equal(await h.as(a, (call) => reconcileIntent(call, paymentIntentId)), 'already-recorded');
    assert.equal(await paymentsOf({ transaction_id: paymentIntentId }), 1);
    const again = await h.as(a, (call) => reconcileOpenIntents(call, { graceMs: 0 }));
    assert.equal(again.recorded ?? 0, 0);
  });

  it('the portal return URL records the payment at once', async () => {
    const invoice = await invoiceFor(a);
    const { paymentIntentId } = await h.as(a, (call) => startCheckout(call, invoice));
    a.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_visa' });
    assert.equal(await h.as(a, (call) => reconcileIntent(call, paymentIntentId)), 'recorded');
    assert.equal(await statusOf(invoice.id), 'paid');
  });

  it('rejects a tampered, expired, wrongly signed or unsigned payload', async () => {
    const event = a.account.lastEvent('payment_intent.succeeded');
    const { payload, header } = FakeStripeServer.sign(event, a.webhookSecret);
    const status = (p: Promise<unknown>) => p.then(() => 200, (err: { status?: number }) => err.status);
    assert.equal(await status(verifyStripeEvent(Buffer.from(payload.replace('"succeeded"', '"canceled"')), header, a.webhookSecret)), 400);
    const old = FakeStripeServer.sign(event, a.webhookSecret, Math.floor(Date.now() / 1000) - 301);
    assert.equal(await status(verifyStripeEvent(Buffer.from(old.payload), old.header, a.webhookSecret)), 400);
    assert.equal(await status(verifyStripeEvent(Buffer.from(payload), header, 'whsec_b')), 400);
    assert.equal(await status(verifyStripeEvent(Buffer.from(payload), undefined, a.webhookSecret)), 400);
    assert.equal(await status(verifyStripeEvent(Buffer.from(payload), header, undefined)), 400);
    assert.equal(await status(verifyStripeEvent(Buffer.from(payload), header, a.webhookSecret)), 200);
  });

  it("tenant A's Stripe account cannot pay tenant B's invoice", async () => {
    const bInvoice = await invoiceFor(b);
    // An intent in A's account whose metadata names B's invoice (forged, or a misconfiguration).
    const stripeA = (await import('../src/client.ts')).stripeClient(a.account.secretKey, h.fake.url);
    const pi: Stripe.PaymentIntent = await stripeA.paymentIntents.create({ amount: 2500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { invoiceId: bInvoice.id } });
    assert.equal(await deliver(h, a, a.account.lastEvent('payment_intent.succeeded', pi.id)), 'unknown-invoice');
    // Even claiming to be B does not help: B's context asks B's Stripe account, which has no such intent.
    assert.equal(await deliver(h, b, a.account.lastEvent('payment_intent.succeeded', pi.id)), 'unknown-object');
    assert.equal(await statusOf(bInvoice.id), 'unpaid');
    assert.equal(await paymentsOf({ invoice_id: bInvoice.id }), 0);
  });

  it('acknowledges an event for an unknown invoice without recording anything', async () => {
    const stripeA = (await import('../src/client.ts')).stripeClient(a.account.secretKey, h.fake.url);
    const pi = await stripeA.paymentIntents.create({ amount: 100, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { invoiceId: 'not-an-invoice' } });
    const before = (await h.payments({})).length;
    assert.equal(await deliver(h, a, a.account.lastEvent('payment_intent.succeeded', pi.id)), 'unknown-invoice');
    assert.equal((await h.payments({})).length, before);
    assert.ok(h.logs.some((l) => l.includes('names no invoice')));
  });
});

import assert from 'node:assert/strict';
import { FakeStripeServer } from '../../../test/fakes/stripe/server.ts';
import { startCheckout } from '../src/checkout.ts';
import { chargeOffSession, retryDelayDays } from '../src/off-session.ts';
import { startCardSetup } from '../src/payment-methods.ts';
import { refundPayment } from '../src/refunds.ts';
import { processStripeEvent } from '../src/webhooks.ts';
import { verifyStripeEvent } from '../src/verify.ts';
import { offSessionKey } from '../src/idempotency.ts';
import { GatewayHarness, type Tenant } from './support/harness.ts';

async function deliver(h: GatewayHarness, tenant: Tenant, event: { id: string }): Promise<string> {
  const { payload, header } = FakeStripeServer.sign(event as Record<string, unknown>, tenant.webhookSecret);
  const verified = await verifyStripeEvent(Buffer.from(payload), header, tenant.webhookSecret);
  return h.as(tenant, (call) => processStripeEvent(call, verified));
}

describe('gateway-stripe with real billing: saved cards, off-session charges, refunds, disputes', function () {
  this.timeout(180_000);
  let h: GatewayHarness;
  let t: Tenant;

  before(async () => {
    h = await new GatewayHarness().start();
    t = await h.tenant();
  });
  after(() => h.stop());
  const statusOf = async (invoiceId: string) => (await h.invoiceRow(invoiceId)).status;
  const paymentsOf = async (where: Record<string, unknown>) => (await h.payments(where)).length;

  /** A client who saved a card through a SetupIntent (setup_intent.succeeded webhook). */
  async function clientWithCard(card = 'pm_card_visa') {
    const client = await h.client(t);
    const setup = await h.as(t, (call) => startCardSetup(call, client));
    t.account.completeSetup(setup.setupIntentId, card);
    assert.equal(await deliver(h, t, t.account.lastEvent('setup_intent.succeeded', setup.setupIntentId)), 'saved');
    const [row] = await h.knex('stripe_payment_methods').where({ tenant_id: t.id, client_id: client.id });
    return { client, pm: row.stripe_payment_method_id as string };
  }

  it('setup_intent.succeeded saves the card as the default, in mPanel and at Stripe', async () => {
    const { client, pm } = await clientWithCard();
    const rows = await h.knex('stripe_payment_methods').where({ tenant_id: t.id, client_id: client.id });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].is_default, true);
    assert.equal(rows[0].last4, '4242');
    const [customer] = await h.knex('stripe_customers').where({ tenant_id: t.id, client_id: client.id });
    assert.equal((t.account.get(customer.stripe_customer_id).invoice_settings as { default_payment_method: string }).default_payment_method, pm);
  });

  it('off-session charge success records the payment', async () => {
    const { client } = await clientWithCard();
    const invoice = await h.invoice(t, client.id, 4200);
    const result = await h.as(t, (call) => chargeOffSession(call, invoice));
    assert.equal(result.status, 'succeeded');
    assert.equal(result.attempt, 1);
    assert.equal(await statusOf(invoice.id), 'paid');
    const create = h.fake.requests.findLast((r) => r.path === '/v1/payment_intents' && r.method === 'POST');
    assert.equal(create?.idempotencyKey, offSessionKey(t.id, invoice.id, 1));
    assert.equal(create?.params.off_session, 'true');
    // The webhook that follows changes nothing.
    assert.equal(await deliver(h, t, t.account.lastEvent('payment_intent.succeeded', result.paymentIntentId)), 'already-recorded');
    assert.equal(await paymentsOf({ invoice_id: invoice.id }), 1);
  });

  it('rerunning the same attempt replays Stripe instead of charging twice', async () => {
    const { client } = await clientWithCard();
    const invoice = await h.invoice(t, client.id, 1000);
    const frozen = { ...invoice }; // the billing run read the invoice before the first run committed
    const first = await h.as(t, (call) => chargeOffSession(call, frozen, { attempt: 1 }));
    const rerun = await h.as(t, (call) => chargeOffSession(call, frozen, { attempt: 1 }));
    assert.equal(rerun.paymentIntentId, first.paymentIntentId);
    assert.equal(t.account.list('payment_intent', (o) => (o.metadata as Record<string, string>).invoiceId === invoice.id).length, 1);
    assert.equal(await paymentsOf({ invoice_id: invoice.id }), 1);
  });

  it('a declined off-session charge notifies the client, and the next attempt is a new charge', async () => {
    const { client, pm } = await clientWithCard();
    t.account.setOutcome(pm, 'declines');
    const invoice = await h.invoice(t, client.id, 3000);
    const first = await h.as(t, (call) => chargeOffSession(call, invoice));
    assert.equal(first.status, 'failed');
    assert.equal(await statusOf(invoice.id), 'unpaid');
    assert.deepEqual(h.emitted.filter((e) => e.payload.invoiceId === invoice.id).map((e) => e.name), ['payment.failed']);
    // The webhook for the same failure does not notify again.
    assert.equal(await deliver(h, t, t.account.lastEvent('payment_intent.payment_failed', first.paymentIntentId)), 'failed');
    assert.equal(h.emitted.filter((e) => e.payload.invoiceId === invoice.id).length, 1);

    t.account.setOutcome(pm, 'succeeds');
    const second = await h.as(t, async (call) => chargeOffSession(call, (await call.billing.getInvoice(invoice.id))!));
    assert.equal(second.attempt, 2);
    assert.notEqual(second.paymentIntentId, first.paymentIntentId);
    assert.equal(second.status, 'succeeded');
    assert.equal(await statusOf(invoice.id), 'paid');
  });

  it('a card that needs authentication gets requires_action and a notification', async () => {
    const { client, pm } = await clientWithCard();
    t.account.setOutcome(pm, 'requires_action');
    const invoice = await h.invoice(t, client.id, 3000);
    const result = await h.as(t, (call) => chargeOffSession(call, invoice));
    assert.equal(result.status, 'requires_action');
    assert.deepEqual(h.emitted.filter((e) => e.payload.invoiceId === invoice.id).map((e) => e.name), ['payment.actionRequired']);
    assert.equal(await statusOf(invoice.id), 'unpaid');
  });

  it('skips a client without a saved card, and follows the retry schedule', async () => {
    const client = await h.client(t);
    const invoice = await h.invoice(t, client.id, 3000);
    assert.equal((await h.as(t, (call) => chargeOffSession(call, invoice))).status, 'skipped');
    assert.equal(retryDelayDays(1, [1, 3, 7]), 1);
    assert.equal(retryDelayDays(3, [1, 3, 7]), 7);
    assert.equal(retryDelayDays(4, [1, 3, 7]), undefined);
  });

  it('partial then full refund through the API, recorded once each even when the webhook follows', async () => {
    const client = await h.client(t);
    const invoice = await h.invoice(t, client.id, 5000);
    const { paymentIntentId } = await h.as(t, (call) => startCheckout(call, invoice));
    t.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_visa' });
    await deliver(h, t, t.account.lastEvent('payment_intent.succeeded', paymentIntentId));

    const partial = await h.as(t, (call) => refundPayment(call, { transactionId: paymentIntentId, amount: 2000, reason: 'goodwill', requestId: 'r1' }));
    assert.equal(partial.amount, 2000);
    // Billing records the API answer; here the webhook does it (as for a refund made in Stripe's dashboard).
    assert.equal(await deliver(h, t, t.account.lastEvent('charge.refunded')), 'recorded');
    assert.equal(await deliver(h, t, t.account.lastEvent('charge.refunded')), 'duplicate');
    const again = await h.as(t, (call) => refundPayment(call, { transactionId: paymentIntentId, amount: 2000, reason: 'goodwill', requestId: 'r1' }));
    assert.equal(again.id, partial.id, 'a retried refund request reuses the first refund');

    await assert.rejects(h.as(t, (call) => refundPayment(call, { transactionId: paymentIntentId, amount: 3001, requestId: 'r2' })), (err: { status?: number }) => err.status === 409);
    const rest = await h.as(t, (call) => refundPayment(call, { transactionId: paymentIntentId, amount: 3000, requestId: 'r3' }));
    assert.equal(await deliver(h, t, t.account.lastEvent('charge.refunded')), 'recorded');
    const refunds = await h.refunds(invoice.id);
    assert.deepEqual(refunds.map((r) => [r.gateway_refund_id, Number(r.amount)]), [[partial.id, 2000], [rest.id, 3000]]);
    assert.equal(await statusOf(invoice.id), 'refunded');
  });

  it('charge.dispute.created flags the invoice', async () => {
    const client = await h.client(t);
    const invoice = await h.invoice(t, client.id, 900);
    const { paymentIntentId } = await h.as(t, (call) => startCheckout(call, invoice));
    t.account.confirmPaymentIntent(paymentIntentId, { payment_method: 'pm_card_visa' });
    const dispute = t.account.createDispute(t.account.get(paymentIntentId).latest_charge as string);
    assert.equal(await deliver(h, t, t.account.lastEvent('charge.dispute.created', dispute.id)), 'flagged');
    assert.deepEqual((await h.invoiceRow(invoice.id)).flags.map((f) => `${f.reason}:${f.reference}`), [`dispute:${dispute.id}`]);
    assert.ok(h.emitted.some((e) => e.name === 'invoice.disputed' && e.payload.invoiceId === invoice.id));
  });
});

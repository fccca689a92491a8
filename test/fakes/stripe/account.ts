import { randomBytes } from 'node:crypto';
import { TEST_CARDS, cardFailure, type CardOutcome } from './cards.ts';

/** A Stripe-shaped JSON object (`{ id, object, ... }`). */
export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: string;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  data: { object: StripeObject };
}

/** An error answer: Stripe's `{ error: { type, code, message, ... } }` with its HTTP status. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {
    super(String(error.message));
  }
}

export const API_VERSION = '2026-10-28.endive';

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
}

const now = () => Math.floor(Date.now() / 1000);

export function missing(id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such object: '${id}'` });
}

export function invalid(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) });
}

export interface PaymentIntentParams {
  amount: number;
  currency: string;
  customer?: string;
  metadata: Record<string, string>;
  description?: string;
  payment_method?: string;
  setup_future_usage?: string;
  confirm: boolean;
  off_session: boolean;
}

/**
 * One Stripe account (one secret key): its objects and the events Stripe would have sent. Objects
 * are kept by id; each account sees only its own, so tenant A's key gets 404 for tenant B's intent.
 */
export class FakeStripeAccount {
  readonly id = newId('acct');
  readonly objects = new Map<string, StripeObject>();
  readonly events: StripeEvent[] = [];
  /** Outcomes of payment methods created in this account (cloned from the test cards). */
  private readonly outcomes = new Map<string, CardOutcome>();

  constructor(
    readonly secretKey: string,
    readonly publishableKey: string,
  ) {}

  get<T extends StripeObject = StripeObject>(id: string, object?: string): T {
    const found = this.objects.get(id);
    if (!found || (object && found.object !== object)) throw missing(id);
    return found as T;
  }

  private put<T extends StripeObject>(obj: T): T {
    this.objects.set(obj.id, obj);
    return obj;
  }

  /** Records an event carrying a snapshot of the object as it is now (stale later, like Stripe's). */
  emit(type: string, obj: StripeObject): StripeEvent {
    const event: StripeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(obj) },
    };
    this.events.push(event);
    return event;
  }

  list(object: string, filter: (o: StripeObject) => boolean = () => true): StripeObject[] {
    return [...this.objects.values()].filter((o) => o.object === object && filter(o));
  }

  // ---- customers -------------------------------------------------------------------------

  createCustomer(params: { email?: string; name?: string; metadata: Record<string, string> }): StripeObject {
    return this.put({
      id: newId('cus'),
      object: 'customer',
      created: now(),
      livemode: false,
      email: params.email ?? null,
      name: params.name ?? null,
      metadata: params.metadata,
      invoice_settings: { default_payment_method: null },
    });
  }

  updateCustomer(id: string, params: { defaultPaymentMethod?: string; metadata?: Record<string, string> }): StripeObject {
    const customer = this.get(id, 'customer');
    if (params.defaultPaymentMethod !== undefined) {
      const pm = this.get(params.defaultPaymentMethod, 'payment_method');
      if (pm.customer !== id) throw invalid(`The payment method ${pm.id} is not attached to customer ${id}.`, 'invoice_settings[default_payment_method]');
      customer.invoice_settings = { default_payment_method: pm.id };
    }
    if (params.metadata) customer.metadata = { ...(customer.metadata as object), ...params.metadata };
    return customer;
  }

  // ---- payment methods -------------------------------------------------------------------

  /** A usable payment method: an existing `pm_…` of this account, or a fresh clone of a test card. */
  paymentMethod(idOrToken: string, param = 'payment_method'): StripeObject {
    const card = TEST_CARDS[idOrToken];
    if (!card) {
      const found = this.objects.get(idOrToken);
      if (!found || found.object !== 'payment_method') throw missing(idOrToken, param);
      return found;
    }
    const pm = this.put({
      id: newId('pm'),
      object: 'payment_method',
      type: 'card',
      created: now(),
      livemode: false,
      customer: null as string | null,
      metadata: {},
      card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, country: 'US', funding: 'credit' },
    });
    this.outcomes.set(pm.id, card.outcome);
    return pm;
  }

  /** Changes what charging a payment method does from now on (a card that starts declining). */
  setOutcome(paymentMethodId: string, outcome: CardOutcome): void {
    this.get(paymentMethodId, 'payment_method');
    this.outcomes.set(paymentMethodId, outcome);
  }

  attachPaymentMethod(idOrToken: string, customerId: string): StripeObject {
    this.get(customerId, 'customer');
    const pm = this.paymentMethod(idOrToken, 'id');
    if (pm.customer && pm.customer !== customerId) throw invalid('The payment method is attached to another customer.', 'customer');
    pm.customer = customerId;
    this.emit('payment_method.attached', pm);
    return pm;
  }

  detachPaymentMethod(id: string): StripeObject {
    const pm = this.get(id, 'payment_method');
    if (!pm.customer) throw invalid(`The payment method ${id} is not attached to a customer.`);
    const customer = this.objects.get(pm.customer as string);
    const settings = customer?.invoice_settings as { default_payment_method: string | null } | undefined;
    if (settings?.default_payment_method === id) settings.default_payment_method = null;
    pm.customer = null;
    this.emit('payment_method.detached', pm);
    return pm;
  }

  // ---- payment intents -------------------------------------------------------------------

  createPaymentIntent(params: PaymentIntentParams): StripeObject {
    if (!Number.isInteger(params.amount) || params.amount < 1) throw invalid('This value must be greater than or equal to 1.', 'amount');
    if (params.customer) this.get(params.customer, 'customer');
    if (params.off_session && !params.confirm) throw invalid('off_session can only be used with confirm=true.', 'off_session');
    const id = newId('pi');
    const pi = this.put({
      id,
      object: 'payment_intent',
      created: now(),
      livemode: false,
      amount: params.amount,
      amount_received: 0,
      currency: params.currency.toLowerCase(),
      customer: params.customer ?? null,
      description: params.description ?? null,
      metadata: params.metadata,
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      payment_method: null as string | null,
      payment_method_types: ['card'],
      setup_future_usage: params.setup_future_usage ?? null,
      latest_charge: null as string | null,
      last_payment_error: null as unknown,
      next_action: null as unknown,
      canceled_at: null,
      cancellation_reason: null,
    });
    this.emit('payment_intent.created', pi);
    if (params.payment_method) {
      pi.payment_method = this.paymentMethod(params.payment_method).id;
      pi.status = 'requires_confirmation';
    }
    if (params.confirm) return this.confirmPaymentIntent(id, { off_session: params.off_session });
    return pi;
  }

  updatePaymentIntent(id: string, params: { amount?: number; metadata?: Record<string, string> }): StripeObject {
    const pi = this.get(id, 'payment_intent');
    if (['succeeded', 'canceled', 'processing'].includes(pi.status as string)) {
      throw invalid(`This PaymentIntent's amount could not be updated because it has a status of ${String(pi.status)}.`, undefined, 'payment_intent_unexpected_state');
    }
    if (params.amount !== undefined) pi.amount = params.amount;
    if (params.metadata) pi.metadata = { ...(pi.metadata as object), ...params.metadata };
    return pi;
  }

  /**
   * Confirms with the attached (or given) payment method. A decline answers 402 with the intent in
   * the error, as Stripe does; on session a 3-D Secure card leaves the intent in `requires_action`.
   */
  confirmPaymentIntent(id: string, params: { payment_method?: string; off_session?: boolean }): StripeObject {
    const pi = this.get(id, 'payment_intent');
    if (pi.status === 'succeeded' || pi.status === 'canceled') {
      throw invalid(`This PaymentIntent's status is ${String(pi.status)}; it cannot be confirmed.`, undefined, 'payment_intent_unexpected_state');
    }
    if (params.payment_method) pi.payment_method = this.paymentMethod(params.payment_method).id;
    if (!pi.payment_method) throw invalid('You cannot confirm this PaymentIntent because it\'s missing a payment method.', 'payment_method', 'payment_intent_unexpected_state');
    const pmId = pi.payment_method as string;
    const outcome = this.outcomes.get(pmId) ?? 'succeeds';
    const failure = cardFailure(outcome, params.off_session === true);
    if (failure) return this.failPayment(pi, pmId, failure);
    if (outcome === 'requires_action') {
      pi.status = 'requires_action';
      pi.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: {} };
      this.emit('payment_intent.requires_action', pi);
      return pi;
    }
    return this.succeedPayment(pi, pmId);
  }

  /** What Stripe.js does after the customer passes 3-D Secure (or fails it). */
  completeAction(id: string, passed: boolean): StripeObject {
    const pi = this.get(id, 'payment_intent');
    if (pi.status !== 'requires_action') throw invalid('The PaymentIntent does not require an action.');
    pi.next_action = null;
    if (!passed) {
      return this.failPayment(pi, pi.payment_method as string, { code: 'payment_intent_authentication_failure', message: 'Authentication failed.' }, false);
    }
    return this.succeedPayment(pi, pi.payment_method as string);
  }

  cancelPaymentIntent(id: string): StripeObject {
    const pi = this.get(id, 'payment_intent');
    if (pi.status === 'succeeded') throw invalid('You cannot cancel this PaymentIntent because it has a status of succeeded.', undefined, 'payment_intent_unexpected_state');
    pi.status = 'canceled';
    pi.canceled_at = now();
    this.emit('payment_intent.canceled', pi);
    return pi;
  }

  private newCharge(pi: StripeObject, pmId: string, status: 'succeeded' | 'failed', failure?: { code: string; message: string }): StripeObject {
    const charge = this.put({
      id: newId('ch'),
      object: 'charge',
      created: now(),
      livemode: false,
      amount: pi.amount,
      amount_captured: status === 'succeeded' ? pi.amount : 0,
      amount_refunded: 0,
      currency: pi.currency,
      customer: pi.customer,
      payment_intent: pi.id,
      payment_method: pmId,
      metadata: structuredClone(pi.metadata),
      status,
      paid: status === 'succeeded',
      captured: status === 'succeeded',
      refunded: false,
      disputed: false,
      failure_code: failure?.code ?? null,
      failure_message: failure?.message ?? null,
    });
    pi.latest_charge = charge.id;
    return charge;
  }

  private succeedPayment(pi: StripeObject, pmId: string): StripeObject {
    const charge = this.newCharge(pi, pmId, 'succeeded');
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    pi.next_action = null;
    if (pi.setup_future_usage && pi.customer) {
      const pm = this.get(pmId, 'payment_method');
      pm.customer ??= pi.customer;
    }
    this.emit('charge.succeeded', charge);
    this.emit('payment_intent.succeeded', pi);
    return pi;
  }

  private failPayment(pi: StripeObject, pmId: string, failure: { code: string; declineCode?: string; message: string }, throws = true): StripeObject {
    const charge = this.newCharge(pi, pmId, 'failed', failure);
    const error = {
      type: 'card_error',
      code: failure.code,
      ...(failure.declineCode ? { decline_code: failure.declineCode } : {}),
      message: failure.message,
      charge: charge.id,
      payment_method: structuredClone(this.get(pmId)),
    };
    pi.status = 'requires_payment_method';
    pi.last_payment_error = error;
    pi.next_action = null;
    this.emit('charge.failed', charge);
    this.emit('payment_intent.payment_failed', pi);
    if (!throws) return pi;
    throw new StripeApiError(402, { ...error, payment_intent: structuredClone(pi) });
  }

  // ---- setup intents ---------------------------------------------------------------------

  createSetupIntent(params: { customer?: string; metadata: Record<string, string>; usage?: string }): StripeObject {
    if (params.customer) this.get(params.customer, 'customer');
    const id = newId('seti');
    const seti = this.put({
      id,
      object: 'setup_intent',
      created: now(),
      livemode: false,
      customer: params.customer ?? null,
      metadata: params.metadata,
      usage: params.usage ?? 'off_session',
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      payment_method: null as string | null,
      payment_method_types: ['card'],
      last_setup_error: null,
    });
    this.emit('setup_intent.created', seti);
    return seti;
  }

  /** What Stripe.js does when the customer enters a card into the Payment Element for a SetupIntent. */
  completeSetup(id: string, card = 'pm_card_visa'): StripeObject {
    const seti = this.get(id, 'setup_intent');
    if (seti.status === 'succeeded') throw invalid('This SetupIntent has already succeeded.', undefined, 'setup_intent_unexpected_state');
    const pm = this.paymentMethod(card);
    if (seti.customer) pm.customer = seti.customer;
    seti.payment_method = pm.id;
    seti.status = 'succeeded';
    this.emit('setup_intent.succeeded', seti);
    return seti;
  }

  // ---- refunds and disputes --------------------------------------------------------------

  createRefund(params: { payment_intent?: string; charge?: string; amount?: number; reason?: string; metadata: Record<string, string> }): StripeObject {
    let chargeId = params.charge;
    if (!chargeId && params.payment_intent) {
      const pi = this.get(params.payment_intent, 'payment_intent');
      if (pi.status !== 'succeeded' || !pi.latest_charge) throw invalid(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, 'payment_intent');
      chargeId = pi.latest_charge as string;
    }
    if (!chargeId) throw invalid('One of `charge` or `payment_intent` is required.', 'charge');
    const charge = this.get(chargeId, 'charge');
    const remaining = (charge.amount as number) - (charge.amount_refunded as number);
    if (charge.status !== 'succeeded') throw invalid(`Charge ${charge.id} has not succeeded.`, 'charge');
    if (remaining <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, 'charge', 'charge_already_refunded');
    const amount = params.amount ?? remaining;
    if (amount < 1 || amount > remaining) {
      throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, 'amount', 'amount_too_large');
    }
    const refund = this.put({
      id: newId('re'),
      object: 'refund',
      created: now(),
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: params.reason ?? null,
      metadata: params.metadata,
      status: 'succeeded',
    });
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.emit('refund.created', refund);
    this.emit('charge.refunded', charge);
    return refund;
  }

  /** The cardholder disputes a charge (only Stripe can start this; tests call it directly). */
  createDispute(chargeId: string, reason = 'fraudulent'): StripeObject {
    const charge = this.get(chargeId, 'charge');
    charge.disputed = true;
    const dispute = this.put({
      id: newId('dp'),
      object: 'dispute',
      created: now(),
      livemode: false,
      amount: charge.amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason,
      status: 'needs_response',
      metadata: {},
    });
    this.emit('charge.dispute.created', dispute);
    return dispute;
  }

  /** The newest recorded event of a type, optionally about one object. */
  lastEvent(type: string, objectId?: string): StripeEvent {
    const found = this.events.findLast((e) => e.type === type && (!objectId || e.data.object.id === objectId));
    if (!found) throw new Error(`fake stripe: no ${type} event${objectId ? ` for ${objectId}` : ''}`);
    return found;
  }
}

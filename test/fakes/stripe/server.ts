import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { decodeForm, formBool, formInt, formMap, type FormObject } from './form.ts';
import { FakeStripeAccount, StripeApiError, invalid, newId, type StripeEvent, type StripeObject } from './account.ts';

export { FakeStripeAccount, type StripeEvent, type StripeObject } from './account.ts';
export { TEST_CARDS, type CardOutcome } from './cards.ts';

/**
 * A local stand-in for the Stripe API, for tests: the endpoints mPanel's Stripe plugin uses, with
 * Stripe-shaped JSON, per-account objects (one account per secret key), `Idempotency-Key`
 * honoured, and the events Stripe would send recorded so a test can deliver them signed, late,
 * twice or out of order. Point the official SDK at it with `clientOptions()`.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  account: string | undefined;
  idempotencyKey: string | undefined;
  params: FormObject;
  status: number;
}

interface CachedAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
}

type Handler = (account: FakeStripeAccount, params: FormObject, id: string, sub: string | undefined) => unknown;

export class FakeStripeServer {
  private server: Server | undefined;
  private readonly byKey = new Map<string, FakeStripeAccount>();
  private readonly idempotency = new Map<string, CachedAnswer>();
  /** Every API call in order (tests assert idempotency keys and "no call was made"). */
  readonly requests: RecordedRequest[] = [];
  /** When set, every API call answers this status (an outage: 500, or 429 rate limit). */
  outage: number | undefined;
  port = 0;

  /** Registers an account; requests authenticate with its secret key. */
  addAccount(secretKey = `sk_test_${newId('key')}`, publishableKey = secretKey.replace(/^sk_/, 'pk_')): FakeStripeAccount {
    const account = new FakeStripeAccount(secretKey, publishableKey);
    this.byKey.set(secretKey, account);
    return account;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Options for `new Stripe(key, …)` that reach this server. */
  clientOptions(): { host: string; port: number; protocol: 'http'; maxNetworkRetries: number } {
    return { host: '127.0.0.1', port: this.port, protocol: 'http', maxNetworkRetries: 0 };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const bodyText = Buffer.concat(chunks).toString('utf8');
    const params = decodeForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : bodyText);
    const idempotencyKey = header(req, 'idempotency-key');
    const account = this.byKey.get((header(req, 'authorization') ?? '').replace(/^Bearer\s+/i, ''));
    const record: RecordedRequest = { method, path: url.pathname, account: account?.id, idempotencyKey, params, status: 0 };
    this.requests.push(record);
    const send = (status: number, body: unknown, replayed = false) => {
      record.status = status;
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': newId('req'),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (this.outage) return send(this.outage, { error: { type: 'api_error', message: 'The fake Stripe API is down.' } });
    if (!account) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    }
    const cacheKey = method === 'POST' && idempotencyKey ? `${account.id}:${idempotencyKey}` : undefined;
    const fingerprint = `${method} ${url.pathname} ${bodyText}`;
    if (cacheKey) {
      const cached = this.idempotency.get(cacheKey);
      if (cached && cached.fingerprint !== fingerprint) {
        return send(400, {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          },
        });
      }
      if (cached) return send(cached.status, cached.body, true);
    }
    let status = 200;
    let body: unknown;
    try {
      body = this.route(method, url.pathname, account, params);
    } catch (err) {
      if (!(err instanceof StripeApiError)) throw err;
      status = err.status;
      body = { error: err.error };
    }
    // Stripe replays the first answer, errors included, except server errors.
    if (cacheKey && status < 500) this.idempotency.set(cacheKey, { fingerprint, status, body });
    send(status, body);
  }

  private route(method: string, path: string, account: FakeStripeAccount, params: FormObject): unknown {
    const match = /^\/v1\/([a-z_]+)(?:\/([A-Za-z0-9_]+))?(?:\/([a-z_]+))?$/.exec(path);
    if (!match) throw invalid(`Unrecognized request URL (${method}: ${path}).`);
    const [, resource, id = '', sub] = match;
    const handler = ROUTES[`${method} ${resource}${id ? '/:id' : ''}${sub ? `/${sub}` : ''}`];
    if (!handler) throw invalid(`Unrecognized request URL (${method}: ${path}).`);
    const result = handler(account, params, id, sub);
    return expand(account, structuredClone(result), params.expand);
  }

  /** Builds what Stripe would POST to a webhook endpoint: the JSON payload and its `Stripe-Signature`. */
  static sign(event: StripeEvent | Record<string, unknown>, secret: string, timestamp?: number): { payload: string; header: string } {
    const payload = JSON.stringify(event, null, 2);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
    return { payload, header };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function listOf(url: string, data: StripeObject[]): Record<string, unknown> {
  return { object: 'list', url, has_more: false, data };
}

/** Replaces `expand[]` fields holding an id (`latest_charge`, `payment_method`) with the object. */
function expand(account: FakeStripeAccount, result: unknown, fields: unknown): unknown {
  if (!Array.isArray(fields) || !result || typeof result !== 'object') return result;
  const obj = result as Record<string, unknown>;
  for (const field of fields) {
    const id = typeof field === 'string' ? obj[field] : undefined;
    if (typeof id === 'string' && account.objects.has(id)) obj[field as string] = structuredClone(account.objects.get(id));
  }
  return obj;
}

const ROUTES: Record<string, Handler> = {
  'GET balance': () => ({
    object: 'balance',
    livemode: false,
    available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
    pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
  }),
  'GET account': (a) => ({ id: a.id, object: 'account', charges_enabled: true, country: 'US', default_currency: 'usd' }),

  'POST customers': (a, p) => a.createCustomer({ email: str(p.email), name: str(p.name), metadata: formMap(p.metadata) }),
  'GET customers/:id': (a, _p, id) => a.get(id, 'customer'),
  'POST customers/:id': (a, p, id) => {
    const settings = p.invoice_settings as FormObject | undefined;
    return a.updateCustomer(id, {
      defaultPaymentMethod: settings ? str(settings.default_payment_method) : undefined,
      metadata: p.metadata ? formMap(p.metadata) : undefined,
    });
  },
  'GET customers/:id/payment_methods': (a, _p, id) => {
    a.get(id, 'customer');
    return listOf(`/v1/customers/${id}/payment_methods`, a.list('payment_method', (pm) => pm.customer === id));
  },

  'GET payment_methods': (a, p) => {
    const customer = str(p.customer);
    if (!customer) throw invalid('Missing required param: customer.', 'customer');
    a.get(customer, 'customer');
    return listOf('/v1/payment_methods', a.list('payment_method', (pm) => pm.customer === customer));
  },
  'GET payment_methods/:id': (a, _p, id) => a.paymentMethod(id, 'id'),
  'POST payment_methods/:id/attach': (a, p, id) => a.attachPaymentMethod(id, str(p.customer) ?? ''),
  'POST payment_methods/:id/detach': (a, _p, id) => a.detachPaymentMethod(id),

  'POST payment_intents': (a, p) => {
    const amount = formInt(p.amount);
    const currency = str(p.currency);
    if (amount === undefined) throw invalid('Missing required param: amount.', 'amount');
    if (!currency) throw invalid('Missing required param: currency.', 'currency');
    const offSession = p.off_session === 'true' || p.off_session === 'one_off' || p.off_session === 'recurring';
    return a.createPaymentIntent({
      amount,
      currency,
      customer: str(p.customer),
      metadata: formMap(p.metadata),
      description: str(p.description),
      payment_method: str(p.payment_method),
      setup_future_usage: str(p.setup_future_usage),
      confirm: formBool(p.confirm),
      off_session: offSession,
    });
  },
  'GET payment_intents': (a, p) => {
    const customer = str(p.customer);
    return listOf('/v1/payment_intents', a.list('payment_intent', (pi) => !customer || pi.customer === customer));
  },
  'GET payment_intents/:id': (a, _p, id) => a.get(id, 'payment_intent'),
  'POST payment_intents/:id': (a, p, id) => a.updatePaymentIntent(id, { amount: formInt(p.amount), metadata: p.metadata ? formMap(p.metadata) : undefined }),
  'POST payment_intents/:id/confirm': (a, p, id) => a.confirmPaymentIntent(id, { payment_method: str(p.payment_method), off_session: p.off_session !== undefined && p.off_session !== 'false' }),
  'POST payment_intents/:id/cancel': (a, _p, id) => a.cancelPaymentIntent(id),

  'POST setup_intents': (a, p) => a.createSetupIntent({ customer: str(p.customer), metadata: formMap(p.metadata), usage: str(p.usage) }),
  'GET setup_intents/:id': (a, _p, id) => a.get(id, 'setup_intent'),
  // What Stripe.js's confirmSetup does with the card the customer typed (a test card id here).
  'POST setup_intents/:id/confirm': (a, p, id) => a.completeSetup(id, str(p.payment_method)),

  'GET charges/:id': (a, _p, id) => a.get(id, 'charge'),
  'GET disputes/:id': (a, _p, id) => a.get(id, 'dispute'),

  'POST refunds': (a, p) => a.createRefund({
    payment_intent: str(p.payment_intent),
    charge: str(p.charge),
    amount: formInt(p.amount),
    reason: str(p.reason),
    metadata: formMap(p.metadata),
  }),
  'GET refunds/:id': (a, _p, id) => a.get(id, 'refund'),
  // Stripe keeps the events it sent; `limit` is ignored (the fake answers everything at once).
  'GET events': (a, p) => {
    const type = str(p.type);
    return listOf('/v1/events', a.events.filter((e) => !type || e.type === type).reverse() as unknown as StripeObject[]);
  },
  'GET events/:id': (a, _p, id) => {
    const event = a.events.find((e) => e.id === id);
    if (!event) throw invalid(`No such event: '${id}'`, 'id', 'resource_missing');
    return event;
  },
  'GET refunds': (a, p) => {
    const charge = str(p.charge);
    const pi = str(p.payment_intent);
    return listOf('/v1/refunds', a.list('refund', (r) => (!charge || r.charge === charge) && (!pi || r.payment_intent === pi)));
  },
};

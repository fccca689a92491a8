import Stripe from 'stripe';

/** Connection options for the Stripe SDK when `STRIPE_API_URL` points it at another host. */
export interface StripeHostOptions {
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

/**
 * `STRIPE_API_URL` (the contract) points every tenant's client at another API host, such as
 * Stripe's stripe-mock or a local fake; unset means api.stripe.com.
 */
export function stripeHostOptions(apiUrl: string | undefined): StripeHostOptions {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

/**
 * One SDK instance per secret key, reused: creating one per request costs an HTTP agent each and
 * the key is the whole identity of a tenant's Stripe account. The cache is keyed by API URL too so
 * tests that change `STRIPE_API_URL` get a fresh client.
 */
const clients = new Map<string, Stripe>();

export function stripeClient(secretKey: string, apiUrl: string | undefined = process.env.STRIPE_API_URL): Stripe {
  const cacheKey = `${apiUrl ?? ''}\n${secretKey}`;
  let client = clients.get(cacheKey);
  if (!client) {
    // Retries are safe: every mutating call carries an idempotency key (ours, or the SDK's own).
    client = new Stripe(secretKey, { ...stripeHostOptions(apiUrl), maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: 'mPanel' } });
    if (clients.size > 1000) clients.clear();
    clients.set(cacheKey, client);
  }
  return client;
}

/** Verification only needs the static helpers; this instance never calls the API. */
export const stripeWebhooks = Stripe.webhooks;

export { Stripe };

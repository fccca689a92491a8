import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeStripeServer, type FakeStripeAccount } from '../../fakes/stripe/server.ts';

const SCRIPT = readFileSync(new URL('../fixtures/stripe-js/v3.js', import.meta.url), 'utf8');

/**
 * Stripe for the browser tests: the fake Stripe API (what the gateway plugin's server side calls,
 * through STRIPE_API_URL) and, on another origin, a stand-in Stripe.js (MPANEL_STRIPE_JS_URL)
 * whose "confirm" asks this server to confirm the intent at the fake API with a test card.
 * Set up before the platform starts: both URLs are read from the environment.
 */
export class StripeStandIn {
  readonly api = new FakeStripeServer();
  private server: Server | undefined;
  private readonly accounts = new Map<string, FakeStripeAccount>();
  private previous: Record<string, string | undefined> = {};
  scriptUrl = '';

  async start(): Promise<this> {
    await this.api.start();
    this.server = createServer((req, res) => {
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' };
      if (req.method === 'GET' && req.url === '/v3/') {
        res.writeHead(200, { 'content-type': 'text/javascript', ...cors }).end(SCRIPT);
        return;
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204, cors).end();
        return;
      }
      if (req.method === 'POST' && req.url === '/confirm') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void this.confirm(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { publishableKey: string; paymentIntent: string }).then(
            ({ status, body }) => res.writeHead(status, { 'content-type': 'application/json', ...cors }).end(JSON.stringify(body)),
          );
        });
        return;
      }
      res.writeHead(404, cors).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.scriptUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v3/`;
    this.previous = { STRIPE_API_URL: process.env.STRIPE_API_URL, MPANEL_STRIPE_JS_URL: process.env.MPANEL_STRIPE_JS_URL };
    process.env.STRIPE_API_URL = this.api.url;
    process.env.MPANEL_STRIPE_JS_URL = this.scriptUrl;
    return this;
  }

  /** A Stripe account for a tenant (its keys go into the gateway-stripe settings). */
  addAccount(): FakeStripeAccount {
    const account = this.api.addAccount();
    this.accounts.set(account.publishableKey, account);
    return account;
  }

  /** What Stripe does when the Payment Element confirms: here over the fake API, with a test card. */
  private async confirm(input: { publishableKey: string; paymentIntent: string }): Promise<{ status: number; body: unknown }> {
    const account = this.accounts.get(input.publishableKey);
    if (!account) return { status: 401, body: { error: { message: 'unknown publishable key' } } };
    const res = await fetch(`${this.api.url}/v1/payment_intents/${encodeURIComponent(input.paymentIntent)}/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.secretKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payment_method=pm_card_visa',
    });
    return { status: res.status, body: await res.json() };
  }

  async close(): Promise<void> {
    for (const [key, value] of Object.entries(this.previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    await this.api.close();
  }
}

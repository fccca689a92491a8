import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CoreModule } from '../../../core/src/module.ts';
import { FakeStripeServer, type FakeStripeAccount } from '../../fakes/stripe/server.ts';
import { extraOriginsModule } from './fixture-plugins.ts';

const SCRIPT = readFileSync(new URL('../fixtures/stripe-js/v3.js', import.meta.url), 'utf8');

type IntentKind = 'payment_intents' | 'setup_intents';
/** The stand-in Stripe.js's confirm calls: `confirmPayment` and `confirmSetup`. */
const CONFIRMS: Record<string, IntentKind> = { '/confirm': 'payment_intents', '/confirm-setup': 'setup_intents' };

/**
 * Stripe for the browser tests: the fake Stripe API (what the gateway plugin's server side calls,
 * through STRIPE_API_URL) and, on another origin, a stand-in Stripe.js (MPANEL_STRIPE_JS_URL, which
 * gateway-stripe hands the browser) whose "confirm" asks this server to confirm the intent at the
 * fake API with a test card. Start the platform with `originsModule()` so the pages allow its origin.
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
      const kind = req.method === 'POST' ? CONFIRMS[req.url ?? ''] : undefined;
      if (kind) {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { publishableKey: string; paymentIntent?: string; setupIntent?: string };
          void this.confirm(kind, input.publishableKey, (kind === 'payment_intents' ? input.paymentIntent : input.setupIntent) ?? '').then(
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

  /** The origin the stand-in Stripe.js is served from (what the manifest declares for js.stripe.com). */
  get origin(): string {
    return new URL(this.scriptUrl).origin;
  }

  /** Grants gateway-stripe's UI this origin, as its manifest grants https://js.stripe.com (CSP and `host.loadScript`). */
  originsModule(): CoreModule {
    return extraOriginsModule('gateway-stripe', { scripts: [this.origin], frames: [this.origin], connect: [this.origin] });
  }

  /** What Stripe does when the Payment Element confirms an intent: here over the fake API, with a test card. */
  private async confirm(kind: IntentKind, publishableKey: string, intent: string): Promise<{ status: number; body: unknown }> {
    const account = this.accounts.get(publishableKey);
    if (!account) return { status: 401, body: { error: { message: 'unknown publishable key' } } };
    const res = await fetch(`${this.api.url}/v1/${kind}/${encodeURIComponent(intent)}/confirm`, {
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

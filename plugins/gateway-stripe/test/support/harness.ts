import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { PluginLogger } from '@mpanel/sdk';
// The plugin's tests boot the real platform (core's test server) with the real billing plugin.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, superAdminToken } from '../../../../core/src/testing/auth.ts';
import { FakeStripeServer, type FakeStripeAccount } from '../../../../test/fakes/stripe/server.ts';
import type { ClientForPayment, GatewayBillingService, InvoiceForPayment } from '../../src/billing-port.ts';
import { stripeClient } from '../../src/client.ts';
import type { StripeCall } from '../../src/call.ts';
import { StripeStore } from '../../src/store.ts';
import { pluginDirectory } from './plugin-dir.ts';

/** A silent logger that keeps what was logged, for assertions. */
export function memoryLogger(lines: string[] = []): PluginLogger {
  const log = (a: unknown, b?: string) => void lines.push(typeof a === 'string' ? a : (b ?? ''));
  const logger = { trace: log, debug: log, info: log, warn: log, error: log, child: () => logger } as unknown as PluginLogger;
  return logger;
}

export interface Tenant {
  id: string;
  slug: string;
  /** The tenant admin's access token. */
  token: string;
  account: FakeStripeAccount;
  webhookSecret: string;
}

/**
 * gateway-stripe against the real billing plugin: the whole platform (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL) with billing and gateway-stripe loaded from a plugins folder, and the fake
 * Stripe API that `STRIPE_API_URL` points every tenant at. `as()` runs gateway code the way a
 * request does (one transaction with the tenant's RLS context, billing's `billing.payments`
 * service bound to it); HTTP tests use `server.request`. Assertions read billing's own tables.
 */
export class GatewayHarness {
  /** What the gateway code run through `as()` emitted (billing's own events go to the outbox). */
  readonly emitted: Array<{ tenantId: string; name: string; payload: Record<string, unknown> }> = [];
  readonly logs: string[] = [];
  fake!: FakeStripeServer;
  server!: TestServer;
  adminToken!: string;
  private readonly plugins = pluginDirectory();
  private previousUrl: string | undefined;
  private tenants = 0;

  get knex(): Knex {
    return this.server.knex as unknown as Knex;
  }

  async start(): Promise<this> {
    this.fake = await new FakeStripeServer().start();
    this.previousUrl = process.env.STRIPE_API_URL;
    process.env.STRIPE_API_URL = this.fake.url;
    this.server = await startTestServer({ plugins: { directories: [this.plugins.dir] } });
    this.adminToken = await superAdminToken(this.server);
    const health = await this.server.request('GET', '/api/health');
    const states = health.body.plugins.filter((p: { id: string }) => ['billing', 'gateway-stripe'].includes(p.id)).map((p: { status: string }) => p.status);
    assert.deepEqual(states, ['active', 'active'], JSON.stringify(health.body.plugins));
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    await this.fake?.close();
    this.plugins.remove();
    if (this.previousUrl === undefined) delete process.env.STRIPE_API_URL;
    else process.env.STRIPE_API_URL = this.previousUrl;
  }

  /** The first call gives the default tenant (its super admin), later calls new tenants; each with its own Stripe account. */
  async tenant(webhookSecret = `whsec_${randomUUID().slice(0, 8)}`): Promise<Tenant> {
    let tenant: { id: string; slug: string };
    let token: string;
    if (this.tenants++ === 0) {
      token = this.adminToken;
      tenant = (await this.server.request('GET', '/api/v1/auth/me', { token })).body.data.tenant;
    } else {
      ({ token, tenant } = await createTenantWithAdmin(this.server));
    }
    const account = this.fake.addAccount();
    const res = await this.server.request('PUT', '/api/v1/plugins/gateway-stripe/settings', {
      token,
      body: { secretKey: account.secretKey, publishableKey: account.publishableKey, webhookSecret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { id: tenant.id, slug: tenant.slug, token, account, webhookSecret };
  }

  /** A billing client of the tenant, through billing's API. */
  async client(t: Tenant): Promise<ClientForPayment> {
    const n = randomUUID().slice(0, 8);
    const res = await this.server.request('POST', '/api/v1/clients', {
      token: t.token,
      body: { email: `client-${n}@example.test`, firstName: 'Ada', lastName: n, country: 'NL', currency: 'EUR' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.data.id, email: res.body.data.email, name: `Ada ${n}` };
  }

  /**
   * An issued, unpaid invoice of `total` with one manual line (written as the table owner: the
   * gateway tests need invoices, not orders), read back through billing's own service.
   */
  async invoice(t: Tenant, clientId: string, total: number, dueDate = '2026-01-01'): Promise<InvoiceForPayment> {
    const [row] = await this.knex('invoices').insert({
      tenant_id: t.id, client_id: clientId, number: `T-${randomUUID().slice(0, 12)}`, status: 'unpaid', currency: 'EUR',
      subtotal: total, total, issue_date: dueDate, due_date: dueDate,
    }).returning('id');
    await this.knex('invoice_items').insert({ tenant_id: t.id, invoice_id: row.id, kind: 'manual', description: 'Test line', unit_amount: total, net: total, total });
    return (await this.as(t, (call) => call.billing.getInvoice(row.id)))!;
  }

  /** Billing's invoice row (status, amount_paid, flags). */
  async invoiceRow(id: string): Promise<{ status: string; amount_paid: string | number; flags: Array<{ reason: string; reference: string }> }> {
    return this.knex('invoices').where({ id }).first();
  }

  /** Billing's payments matching `where` (e.g. `{ transaction_id }` or `{ invoice_id }`). */
  async payments(where: Record<string, unknown>): Promise<Array<{ gateway: string; transaction_id: string; amount: string | number; currency: string; invoice_id: string }>> {
    return this.knex('payments').where(where).orderBy('created_at');
  }

  async refunds(invoiceId: string): Promise<Array<{ gateway_refund_id: string; amount: string | number }>> {
    return this.knex('refunds').where({ invoice_id: invoiceId }).orderBy('created_at');
  }

  /** Billing's outbox events of a type about an invoice. */
  async outbox(name: string, invoiceId: string): Promise<unknown[]> {
    return this.knex('outbox_events').where({ name }).whereRaw(`payload->>'invoiceId' = ?`, [invoiceId]);
  }

  /** Runs `fn` as one tenant's request would: a transaction with RLS context and the app role. */
  async as<R>(t: Tenant, fn: (call: StripeCall) => Promise<R>): Promise<R> {
    const entry = this.server.running.platform.container.cradle.pluginServices.get('billing.payments');
    assert.ok(entry, 'billing provides billing.payments');
    const billing = entry.impl as GatewayBillingService;
    return this.knex.transaction(async (trx) => {
      await trx.raw(`select set_config('app.tenant_id', ?, true), set_config('role', 'mpanel_app', true)`, [t.id]);
      return fn({
        tenantId: t.id,
        stripe: stripeClient(t.account.secretKey, this.fake.url),
        store: new StripeStore(trx, t.id),
        billing: billing.forTenant(trx, t.id),
        logger: memoryLogger(this.logs),
        emit: async (name, payload) => void this.emitted.push({ tenantId: t.id, name, payload }),
      });
    });
  }
}

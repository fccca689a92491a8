import { randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import type { PluginLogger } from '@mpanel/sdk';
import { FakeStripeServer, type FakeStripeAccount } from '../../../../test/fakes/stripe/server.ts';
import { up } from '../../migrations/20261126006000_stripe_gateway.ts';
import { stripeClient } from '../../src/client.ts';
import type { StripeCall } from '../../src/call.ts';
import { StripeStore } from '../../src/store.ts';
import { MemoryBilling } from './memory-billing.ts';

/** A silent logger that keeps what was logged, for assertions. */
export function memoryLogger(lines: string[] = []): PluginLogger {
  const log = (a: unknown, b?: string) => void lines.push(typeof a === 'string' ? a : (b ?? ''));
  const logger = { trace: log, debug: log, info: log, warn: log, error: log, child: () => logger } as unknown as PluginLogger;
  return logger;
}

export interface Tenant {
  id: string;
  account: FakeStripeAccount;
}

/**
 * The gateway's logic against the fake Stripe API and a real database (PGlite) holding the
 * gateway's tables with row-level security, each operation in a transaction that runs as the app
 * role with the tenant's context, like a request does.
 */
export class GatewayHarness {
  readonly billing = new MemoryBilling();
  readonly emitted: Array<{ tenantId: string; name: string; payload: Record<string, unknown> }> = [];
  readonly logs: string[] = [];
  fake!: FakeStripeServer;
  knex!: Knex;
  private pglite!: PGlite;

  async start(): Promise<this> {
    this.fake = await new FakeStripeServer().start();
    this.pglite = new PGlite();
    await this.pglite.waitReady;
    const pglite = this.pglite;
    this.knex = knexFactory({ client: ClientPgLite as unknown as typeof Knex.Client, dialect: 'postgres', connection: () => ({ pglite }) as object } as Knex.Config);
    await this.knex.raw('CREATE ROLE mpanel_app NOLOGIN');
    await this.knex.raw('GRANT USAGE ON SCHEMA public TO mpanel_app');
    await this.knex.raw('CREATE TABLE tenants (id uuid PRIMARY KEY)');
    await up(this.knex);
    return this;
  }

  async stop(): Promise<void> {
    await this.fake.close();
    await this.knex.destroy();
    if (!this.pglite.closed) await this.pglite.close();
  }

  async tenant(): Promise<Tenant> {
    const id = randomUUID();
    await this.knex('tenants').insert({ id });
    return { id, account: this.fake.addAccount() };
  }

  /** Runs `fn` as one tenant's request would: a transaction with RLS context and the app role. */
  async as<R>(tenant: Tenant, fn: (call: StripeCall) => Promise<R>): Promise<R> {
    return this.knex.transaction(async (trx) => {
      await trx.raw("select set_config('app.tenant_id', ?, true)", [tenant.id]);
      await trx.raw('SET LOCAL ROLE mpanel_app');
      return fn({
        tenantId: tenant.id,
        stripe: stripeClient(tenant.account.secretKey, this.fake.url),
        store: new StripeStore(trx, tenant.id),
        billing: this.billing.forTenant(tenant.id),
        logger: memoryLogger(this.logs),
        emit: async (name, payload) => void this.emitted.push({ tenantId: tenant.id, name, payload }),
      });
    });
  }
}

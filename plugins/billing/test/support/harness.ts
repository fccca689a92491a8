import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import type { HookHandler, PluginContext, PluginLogger, Principal, ProvidedExtension } from '@mpanel/sdk';
import { billingFor, type Billing } from '../../src/context.ts';
import { withDefaults, type BillingSettings } from '../../src/settings.ts';
import { isoDateOf, type IsoDate } from '../../src/domain/dates.ts';
import { recordingMetrics } from './metrics-fake.ts';

export interface Emitted {
  tenantId: string | null;
  name: string;
  payload: Record<string, unknown>;
}

const silent = (() => {
  const log = () => undefined;
  const logger = { trace: log, debug: log, info: log, warn: log, error: log, fatal: log, child: () => logger };
  return logger as unknown as PluginLogger;
})();

/**
 * Billing's services against a real database holding billing's schema with row-level security
 * (PGlite in memory, or a fresh PostgreSQL database when TEST_DATABASE_URL is set), behind a
 * plugin context that records events and runs hooks like core does. Every operation runs as a
 * request would: one transaction, `SET LOCAL ROLE mpanel_app`, `app.tenant_id` set.
 */
export class BillingHarness {
  knex!: Knex;
  readonly emitted: Emitted[] = [];
  readonly settings = new Map<string, Partial<BillingSettings>>();
  readonly hooks = new Map<string, HookHandler<unknown>[]>();
  readonly extensions = new Map<string, Map<string, unknown>>();
  plugin!: PluginContext<Partial<BillingSettings>>;
  /** What the plugin reported through ctx.metrics, by `name{label=value}` (see metrics-fake.ts). */
  readonly metrics = new Map<string, number>();
  databaseUrl: string | null = null;
  private dropDatabase: (() => Promise<void>) | null = null;
  private pglite: PGlite | null = null;

  async start(): Promise<this> {
    const url = process.env.TEST_DATABASE_URL;
    if (url) {
      const name = `billing_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
      await admin.raw(`CREATE DATABASE ${name}`);
      await admin.destroy();
      const target = new URL(url);
      target.pathname = `/${name}`;
      this.databaseUrl = target.toString();
      this.knex = knexFactory({ client: 'pg', connection: this.databaseUrl, pool: { min: 0, max: 10 } });
      this.dropDatabase = async () => {
        const cleanup = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
        await cleanup.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.destroy();
      };
    } else {
      const pglite = new PGlite();
      this.pglite = pglite;
      await pglite.waitReady;
      this.knex = knexFactory({ client: ClientPgLite as unknown as typeof Knex.Client, dialect: 'postgres', connection: () => ({ pglite }) as object } as Knex.Config);
    }
    await this.knex.raw(`DO $$ BEGIN CREATE ROLE mpanel_app NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await this.knex.raw('GRANT USAGE ON SCHEMA public TO mpanel_app');
    await this.knex.schema.createTable('tenants', (t) => {
      t.uuid('id').primary();
      t.text('slug').notNullable();
      t.text('name').notNullable();
      t.text('status').notNullable().defaultTo('active');
      // Core's reseller columns and settings rows: billing's wholesale functions read them.
      t.uuid('parent_tenant_id').references('id').inTable('tenants');
      t.boolean('is_reseller').notNullable().defaultTo(false);
    });
    await this.knex.raw('GRANT SELECT ON tenants TO mpanel_app');
    await this.knex.schema.createTable('plugin_settings', (t) => {
      t.uuid('tenant_id').references('id').inTable('tenants');
      t.text('plugin_id').notNullable();
      t.jsonb('values').notNullable().defaultTo('{}');
    });
    // Every billing migration in order, as core's migrator runs them.
    const folder = new URL('../../migrations/', import.meta.url);
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts')).sort()) {
      const migration = (await import(new URL(file, folder).href)) as { up(knex: Knex): Promise<void> };
      await migration.up(this.knex);
    }
    this.plugin = this.makePlugin();
    return this;
  }

  /** Attaches to a database another harness prepared (a child process in the SIGKILL test). */
  static async connect(databaseUrl: string, settings: Record<string, Partial<BillingSettings>> = {}): Promise<BillingHarness> {
    const h = new BillingHarness();
    h.databaseUrl = databaseUrl;
    h.knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 4 } });
    for (const [tenantId, s] of Object.entries(settings)) h.settings.set(tenantId, s);
    h.plugin = h.makePlugin();
    return h;
  }

  async stop(): Promise<void> {
    await this.knex.destroy();
    if (this.pglite && !this.pglite.closed) await this.pglite.close();
    await this.dropDatabase?.();
  }

  async tenant(settings: Partial<BillingSettings> = {}): Promise<string> {
    const id = randomUUID();
    await this.knex('tenants').insert({ id, slug: `t-${id.slice(0, 8)}`, name: `Tenant ${id.slice(0, 4)}` });
    this.settings.set(id, settings);
    return id;
  }

  staff(tenantId: string): Principal {
    return { kind: 'user', id: randomUUID(), tenantId, userId: randomUUID(), email: 'staff@example.test', roles: ['admin'], level: 1, permissions: new Set(['products.write']), clientId: null };
  }

  clientUser(tenantId: string, clientId: string): Principal {
    return { kind: 'user', id: randomUUID(), tenantId, userId: randomUUID(), email: 'c@example.test', roles: ['client'], level: 7, permissions: new Set(), clientId };
  }

  /** One request-like transaction for `tenantId` as `principal` (null = the system) on `today`. */
  as<R>(tenantId: string, principal: Principal | null, fn: (b: Billing) => Promise<R>, today: IsoDate = isoDateOf(new Date())): Promise<R> {
    return this.knex.transaction(async (trx) => {
      await trx.raw(`select set_config('app.tenant_id', ?, true), set_config('role', 'mpanel_app', true)`, [tenantId]);
      return fn(await billingFor(this.plugin, trx, tenantId, principal, today, withDefaults(this.settings.get(tenantId) ?? {})));
    });
  }

  /** Counts rows of a table for a tenant, as the owner (no RLS), for assertions. */
  async count(table: string, where: Record<string, unknown> = {}): Promise<number> {
    const [row] = (await this.knex(table).where(where).count({ n: '*' })) as Array<{ n: string | number }>;
    return Number(row!.n);
  }

  events(name: string): Emitted[] {
    return this.emitted.filter((e) => e.name === name);
  }

  private makePlugin(): PluginContext<Partial<BillingSettings>> {
    const h = { settings: this.settings, emitted: this.emitted, hooks: this.hooks, extensions: this.extensions, knex: this.knex };
    const plugin = {
      plugin: { id: 'billing', version: '0.1.0', manifest: {} as never, directory: null },
      logger: silent,
      settings: {
        get: async (tenantId?: string) => h.settings.get(tenantId ?? '') ?? {},
        set: async (values: Partial<BillingSettings>, tenantId?: string) => void h.settings.set(tenantId ?? '', { ...h.settings.get(tenantId ?? ''), ...values }),
      },
      events: {
        emit: async (name: string, payload: Record<string, unknown>, options?: { tenantId?: string | null }) => {
          h.emitted.push({ tenantId: options?.tenantId ?? null, name, payload });
          return randomUUID();
        },
        emitMany: async (events: Array<{ name: string; payload: Record<string, unknown>; tenantId?: string | null }>, options?: { tenantId?: string | null }) =>
          events.map((e) => {
            h.emitted.push({ tenantId: e.tenantId !== undefined ? e.tenantId : (options?.tenantId ?? null), name: e.name, payload: e.payload });
            return randomUUID();
          }),
        subscribe: () => undefined,
      },
      hooks: {
        on: (name: string, handler: HookHandler<unknown>) => void h.hooks.set(name, [...(h.hooks.get(name) ?? []), handler]),
        run: async <T>(name: string, payload: T) => {
          let current = payload;
          for (const handler of h.hooks.get(name) ?? []) current = ((await handler(current, { name, tenantId: null, principal: null, trx: null })) as T | undefined) ?? current;
          return current;
        },
      },
      extensions: {
        provide: (point: { id: string }, key: string, impl: unknown) => void h.extensions.set(point.id, (h.extensions.get(point.id) ?? new Map()).set(key, impl)),
        get: (point: { id: string }, key: string) => h.extensions.get(point.id)?.get(key),
        list: (point: { id: string }) => [...(h.extensions.get(point.id) ?? new Map()).entries()].map(([key, impl]): ProvidedExtension<unknown> => ({ key, owner: 'test', impl })),
      },
      services: { provide: () => undefined, resolve: () => { throw new Error('no services in the harness'); }, tryResolve: () => undefined },
      db: {
        knex: h.knex,
        current: () => { throw new Error('no request scope in the harness'); },
        transaction: <R>(tenantId: string | null, fn: (trx: Knex.Transaction) => Promise<R>) => h.knex.transaction(async (trx) => {
          await trx.raw(`select set_config('app.tenant_id', ?, true), set_config('role', 'mpanel_app', true)`, [tenantId ?? '']);
          return fn(trx);
        }),
      },
      scope: () => null,
      metrics: recordingMetrics(this.metrics),
    };
    return plugin as unknown as PluginContext<Partial<BillingSettings>>;
  }
}

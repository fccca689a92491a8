import type { Knex } from 'knex';
import type { PluginDefinition } from './plugin.ts';

export interface TestHostResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  body: T;
  headers: Headers;
}

export interface TestHostRequestOptions {
  body?: unknown;
  /** Bearer token; default: the seeded super admin's (see `login`). Pass `null` for an anonymous call. */
  token?: string | null;
  headers?: Record<string, string>;
  raw?: string | Buffer;
}

export interface RecordedEvent {
  id: string;
  name: string;
  source: string;
  tenantId: string | null;
  payload: unknown;
}

export interface TestHost {
  url: string;
  /** The database (a fresh in-memory PGlite, or a new PostgreSQL database with TEST_DATABASE_URL). */
  knex: Knex;
  /** An HTTP call against the running platform, as the super admin unless told otherwise. */
  request<T = any>(method: string, path: string, options?: TestHostRequestOptions): Promise<TestHostResponse<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The super admin's access token (admin@example.test in tenant `default`). */
  login(): Promise<string>;
  /** Every event written to the outbox so far (optionally only one name), oldest first. */
  events(name?: string): Promise<RecordedEvent[]>;
  /** Waits until every event is dispatched and no delivery is due. */
  settle(): Promise<void>;
  /** The plugins' states as `/api/health` reports them. */
  plugins(): Array<{ id: string; status: string; error?: string }>;
  close(): Promise<void>;
}

export interface TestHostOptions {
  plugins: PluginDefinition[];
  env?: Record<string, string>;
}

interface CoreTestServer {
  url: string;
  knex: Knex;
  request(method: string, path: string, options?: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string | Buffer }): Promise<TestHostResponse>;
  close(): Promise<void>;
  running: { platform: { container: { cradle: Record<string, unknown> } } };
}

/**
 * Boots the whole platform with just these plugins, against a fresh database. Core is imported
 * dynamically here so plugins themselves never import it.
 */
export async function createTestHost(options: TestHostOptions): Promise<TestHost> {
  const core = (await import(new URL('../../core/src/testing/test-server.ts', import.meta.url).href)) as {
    startTestServer(o: { env?: Record<string, string>; plugins?: { definitions: PluginDefinition[] } }): Promise<CoreTestServer>;
  };
  const server = await core.startTestServer({ env: options.env, plugins: { definitions: options.plugins } });
  const cradle = server.running.platform.container.cradle as {
    pluginStatus: { list(): Array<{ id: string; status: string; error?: string }> };
    eventDispatcher: { loop: { wake(): void; idle(): Promise<void> } };
  };
  let token: string | undefined;
  const login = async () => {
    if (token) return token;
    const res = await server.request('POST', '/api/v1/auth/login', { body: { email: 'admin@example.test', password: 'correct-horse-battery-staple' } });
    if (res.status !== 200) throw new Error(`Test host login failed: ${res.status} ${JSON.stringify(res.body)}`);
    token = (res.body as { data: { accessToken: string } }).data.accessToken;
    return token;
  };
  return {
    url: server.url,
    knex: server.knex,
    login,
    async request(method, path, opts = {}) {
      const bearer = opts.token === null ? undefined : (opts.token ?? (await login()));
      return server.request(method, path, { body: opts.body, headers: opts.headers, raw: opts.raw, ...(bearer ? { token: bearer } : {}) });
    },
    async events(name) {
      const q = server.knex('outbox_events').orderBy('created_at');
      const rows = (await (name ? q.where({ name }) : q)) as Array<{ id: string; name: string; source: string; tenant_id: string | null; payload: unknown }>;
      return rows.map((r) => ({ id: r.id, name: r.name, source: r.source, tenantId: r.tenant_id, payload: r.payload }));
    },
    async settle() {
      for (let i = 0; i < 200; i++) {
        cradle.eventDispatcher.loop.wake();
        await cradle.eventDispatcher.loop.idle();
        const [pending] = (await server.knex('outbox_events').whereNull('dispatched_at').count({ n: '*' })) as [{ n: number }];
        const [due] = (await server.knex('event_deliveries').where({ status: 'pending' }).where('next_attempt_at', '<=', new Date()).count({ n: '*' })) as [{ n: number }];
        if (Number(pending.n) === 0 && Number(due.n) === 0) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    plugins: () => cradle.pluginStatus.list(),
    close: () => server.close(),
  };
}

/** What a plugin's resource fixtures get: one tenant, its admin's API, and ids made so far. */
export interface ResourceFixtureContext {
  tenantId: string;
  /** An API call as the tenant's admin; resolves to the answer's `data`, throws on a non-2xx answer. */
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** A transaction as the tenant (row-level security) for records no route makes (provider data). */
  transaction<R>(fn: (trx: Knex.Transaction) => Promise<R>): Promise<R>;
  /** Ids the fixtures of core and of the plugins loaded earlier made, by resource. */
  ids: Readonly<Record<string, string>>;
}

/**
 * Real records of one tenant for the isolation walker, by resource: the path segment before a
 * route's `:id` (`invoices` for `/api/v1/invoices/:id` and `/api/v1/gateway-manual/invoices/:id`).
 * A plugin with `:id` routes default-exports one from `test/resource-fixtures.ts`, so the walker
 * asks another tenant for a record that exists, and its 404 proves isolation.
 */
export type ResourceFixtures = (ctx: ResourceFixtureContext) => Promise<Record<string, string>>;

export function defineResourceFixtures(fixtures: ResourceFixtures): ResourceFixtures {
  return fixtures;
}

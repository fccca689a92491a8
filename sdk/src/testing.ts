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

/** Where the platform for tests lives: core's public testing entry (a peer dependency). */
const CORE_TESTING = '@mpanel/core/testing';

/**
 * Boots the whole platform with just these plugins, against a fresh database. Core is imported
 * dynamically through its public entry, so plugins themselves never import it; install
 * `@mpanel/core` next to the SDK (a dev dependency of the plugin) to use this.
 */
export async function createTestHost(options: TestHostOptions): Promise<TestHost> {
  let core: { createTestHost(o: TestHostOptions): Promise<TestHost> };
  try {
    // A variable specifier: the SDK is compiled without core's types (core depends on the SDK).
    core = (await import(CORE_TESTING)) as typeof core;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('@mpanel/core')) {
      throw new Error('@mpanel/sdk/testing needs @mpanel/core installed next to it (npm install --save-dev @mpanel/core)', { cause: err });
    }
    throw err;
  }
  return core.createTestHost(options);
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

export { provisioningContract, callFor } from './testing/provisioning-contract.ts';
export type { ProvisioningContractOptions, ProvisioningContractRemote, RemoteTruth, ContractCallVariant } from './testing/provisioning-contract.ts';

import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Model } from 'objection';
import { APP_ROLE } from '@mpanel/sdk';
import type { Config } from '../config/config.ts';
import { lockDataDir } from './data-dir-lock.ts';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  /** The owner: migrations and the few platform loops that cross tenants. */
  knex: Knex;
  /**
   * Requests, jobs, event handlers and plugin transactions. On PostgreSQL a separate pool that
   * logs in as the app role (not an owner, not a superuser), so `RESET ROLE` inside a request
   * cannot leave row-level security. PGlite has one superuser session: the same knex as `knex`,
   * and the tenant context's `SET LOCAL ROLE` is the only boundary (see README, embedded mode).
   */
  appKnex: Knex;
  kind: DatabaseKind;
  /** PostgreSQL only: the owner's connection URL (pg_dump). */
  url?: string;
  /** PGlite only: its whole data directory as a tarball, gzipped by default (backups; only the holder of the directory can take it). */
  dumpDataDir?(compression?: 'gzip' | 'none'): Promise<Blob>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** The owner's (migrations') login. */
  databaseUrl?: string | undefined;
  /** The app role's login; default: `databaseUrl` as user `mpanel_app` (see appRoleUrl). */
  appDatabaseUrl?: string | undefined;
  /** Where PGlite keeps its files; `memory://` for a throw-away database. */
  dataDir?: string;
  /** A PGlite data-directory dump to start from (tests start from a migrated template). */
  loadDataDir?: Blob | File;
  poolMax?: number;
}

// PostgreSQL returns bigint (count(*), sums) as strings; our counts and minor units fit in a JS number.
import pg from 'pg';
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

/**
 * knex-pglite names a delete's result command `DEL` (from knex's method name `del`), so knex's
 * postgres response handling does not see a DELETE and returns the raw result object instead of
 * the row count: `if (!deleted) 404` never fired on PGlite. Every query goes through here, so
 * `.delete()` answers a number on both databases.
 */
class PgLiteClient extends (ClientPgLite as unknown as new (config: Knex.Config) => { processResponse(obj: { method?: string; response: { command?: string } }, runner: unknown): unknown }) {
  override processResponse(obj: { method?: string; response: { command?: string } }, runner: unknown): unknown {
    return super.processResponse(obj.method === 'del' ? { ...obj, method: 'delete' } : obj, runner);
  }
}

/**
 * PGlite's defaults plus a footprint for a panel on a 1 GB VPS: PostgreSQL's default 128 MB of
 * shared buffers live in PGlite's WebAssembly memory, which never shrinks; 16 MB holds a panel's
 * hot pages (the whole migrated database is ~30 MB) and cut a warm open from ~300 to ~180 MB of
 * RSS. bench:api and bench:billing showed no slowdown that matters (docs/benchmarks.md).
 */
export const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** What the configuration says to open: PostgreSQL (owner and app logins) or PGlite in the data directory. */
export function configuredDatabase(config: Pick<Config, 'databaseUrl' | 'appDatabaseUrl' | 'appDatabasePassword' | 'dataDir'>): DatabaseOptions {
  if (!config.databaseUrl) return { dataDir: pgliteDir(config.dataDir) };
  return { databaseUrl: config.databaseUrl, appDatabaseUrl: config.appDatabaseUrl ?? appRoleUrl(config.databaseUrl, config.appDatabasePassword) };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    // One plain connection first: an unreachable server or a missing database fails at once with
    // the driver's own error (the pool would retry until its acquire timeout and say only that).
    const probe = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 10_000 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
    } finally {
      await probe.end().catch(() => undefined);
    }
    const pool = (connection: string) => knexFactory({ client: 'pg', connection, pool: { min: 0, max: options.poolMax ?? 10 } });
    const knex = pool(options.databaseUrl);
    await knex.raw('select 1');
    // Its first connection waits for the migrations, which give the role its LOGIN.
    const appKnex = pool(options.appDatabaseUrl ?? appRoleUrl(options.databaseUrl));
    Model.knex(knex);
    return { knex, appKnex, kind: 'postgres', url: options.databaseUrl, close: async () => void (await Promise.all([knex.destroy(), appKnex.destroy()])) };
  }

  const dir = options.dataDir ?? 'memory://';
  const inMemory = dir.startsWith('memory://');
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const unlock = inMemory ? () => undefined : lockDataDir(dir);
  let pglite: PGlite;
  try {
    // 'memory://' by name: `new PGlite(undefined, { loadDataDir })` ignores the dump and starts empty.
    pglite = new PGlite(inMemory ? 'memory://' : dir, { startParams: PGLITE_START_PARAMS, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
    await pglite.waitReady;
  } catch (err) {
    unlock();
    throw err;
  }
  const knex = knexFactory({
    client: PgLiteClient as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
  } as Knex.Config);
  Model.knex(knex);
  return {
    knex,
    appKnex: knex,
    kind: 'pglite',
    dumpDataDir: (compression = 'gzip') => pglite.dumpDataDir(compression),
    async close() {
      try {
        await knex.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * The app role's login derived from the owner's URL: same server and database, user
 * `mpanel_app`, the password of `DATABASE_APP_PASSWORD` (else none: trust, peer or .pgpass).
 */
export function appRoleUrl(ownerUrl: string, password?: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}

/**
 * Gives the app role the password of `DATABASE_APP_PASSWORD` (the migrations gave it LOGIN), so
 * the first start with a privileged URL is all a fresh database needs.
 */
export async function setAppRolePassword(knex: Knex, password: string): Promise<void> {
  await knex.raw(`ALTER ROLE ${APP_ROLE} PASSWORD ${pg.escapeLiteral(password)}`);
}

export function pgliteDir(dataDir: string): string {
  return join(dataDir, 'pglite');
}

import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Model } from 'objection';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
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
    const knex = knexFactory({
      client: 'pg',
      connection: options.databaseUrl,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
    await knex.raw('select 1');
    Model.knex(knex);
    return { knex, kind: 'postgres', close: () => knex.destroy() };
  }

  const dir = options.dataDir ?? 'memory://';
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const pglite = new PGlite(dir.startsWith('memory://') ? undefined : dir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  await pglite.waitReady;
  const knex = knexFactory({
    client: PgLiteClient as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
  } as Knex.Config);
  Model.knex(knex);
  return {
    knex,
    kind: 'pglite',
    async close() {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

export function pgliteDir(dataDir: string): string {
  return join(dataDir, 'pglite');
}

import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { migrateUp, type MigrationSet } from '../db/migrator.ts';
import { migrationSetsKey } from '../db/migration-key.ts';
import { openDatabase } from '../db/connect.ts';
import { allMigrationSets } from '../plugins-migrations.ts';
import type { PluginSources } from '../plugins/discovery.ts';

export { migrationSetsKey };

/**
 * Every test server used to migrate core and all plugins on its own fresh database (seconds each,
 * hundreds of servers per run). Now the first server of a plugin set migrates a template once and
 * the others start from a copy of it: a PGlite data-directory dump, or `CREATE DATABASE … TEMPLATE`
 * on PostgreSQL. The platform still runs its migrations on start and finds nothing pending, so a
 * template that is behind (a new migration file) is simply finished by the server itself.
 */

/**
 * The migration sets a server with these plugin sources will run (a plugin that cannot load is
 * left out, as the server leaves out its migrations), or undefined for npm packages, which resolve
 * outside the repository: such a server migrates from scratch, as before.
 */
export async function predictableMigrationSets(sources: PluginSources | undefined): Promise<MigrationSet[] | undefined> {
  if (sources?.packages || process.env.MPANEL_PLUGINS) return undefined;
  // The server itself reports a plugin it cannot load; this look ahead stays quiet.
  return allMigrationSets(sources ?? {}, () => undefined);
}

const pgliteTemplates = new Map<string, Promise<Blob>>();

/** A PGlite dump of a database with these sets applied, made once per process and key. */
export function pgliteTemplate(sets: MigrationSet[], blank: () => Promise<Blob>): Promise<Blob> {
  const key = migrationSetsKey(sets);
  let template = pgliteTemplates.get(key);
  if (!template) {
    template = (async () => {
      const db = await openDatabase({ dataDir: 'memory://', loadDataDir: await blank() });
      try {
        await migrateUp(db.knex, sets);
        // PGlite runs without synchronous commits: without a checkpoint the dump can miss the last writes.
        await db.knex.raw('CHECKPOINT');
        // Uncompressed: every server loads it, and unpacking a gzip costs more than the copy.
        return await db.dumpDataDir!('none');
      } finally {
        await db.close();
      }
    })();
    // A failed build is not remembered: the next server tries again (and reports its own error).
    template.catch(() => pgliteTemplates.delete(key));
    pgliteTemplates.set(key, template);
  }
  return template;
}

const postgresTemplates = new Map<string, Promise<string>>();

/**
 * The name of a PostgreSQL database with these sets applied, kept on the server between runs (it
 * is small, and a changed migration makes a new name). Built under a temporary name and renamed,
 * so another process never copies a half-migrated template.
 */
export function postgresTemplate(url: string, sets: MigrationSet[]): Promise<string> {
  const name = `mpanel_tpl_${migrationSetsKey(sets)}`;
  let template = postgresTemplates.get(name);
  if (!template) {
    template = buildPostgresTemplate(url, name, sets);
    template.catch(() => postgresTemplates.delete(name));
    postgresTemplates.set(name, template);
  }
  return template;
}

async function buildPostgresTemplate(url: string, name: string, sets: MigrationSet[]): Promise<string> {
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    const exists = await admin.raw('select 1 from pg_database where datname = ?', [name]);
    if (exists.rows.length) return name;
    const building = `${name}_b${randomBytes(3).toString('hex')}`;
    await admin.raw(`CREATE DATABASE ${building}`);
    try {
      const target = new URL(url);
      target.pathname = `/${building}`;
      const db = await openDatabase({ databaseUrl: target.toString(), poolMax: 1 });
      try {
        await migrateUp(db.knex, sets);
      } finally {
        await db.close();
      }
      await admin.raw(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (err) {
      await admin.raw(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      // Another process renamed its own build to this name first: use that one.
      const raced = await admin.raw('select 1 from pg_database where datname = ?', [name]);
      if (!raced.rows.length) throw err;
    }
    return name;
  } finally {
    await admin.destroy();
  }
}

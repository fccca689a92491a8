import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { PGlite } from '@electric-sql/pglite';
import { APP_ROLE } from '@mpanel/sdk';
import { openDatabase, type Database } from '../db/connect.ts';
import type { MigrationSet } from '../db/migrator.ts';
import { pgliteTemplate, postgresTemplate } from './migrated-template.ts';

let blankPglite: Promise<Blob> | undefined;

/** A fresh, empty PGlite starts in ~0.5 s from a dump of the first one instead of ~2 s from scratch. */
function blankDump(): Promise<Blob> {
  blankPglite ??= (async () => {
    const pg = new PGlite();
    await pg.waitReady;
    const dump = await pg.dumpDataDir('none');
    await pg.close();
    return dump;
  })();
  return blankPglite;
}

/**
 * Makes the blank PGlite ahead of the first test server (a root hook does, with its own timeout):
 * on a loaded machine the first start otherwise pays for it inside a file's 30 s `before`.
 */
export async function warmTestDatabase(url = process.env.TEST_DATABASE_URL): Promise<void> {
  if (!url) await blankDump();
}

export interface TestDatabase {
  db: Database;
  /** Closes the connection and, on PostgreSQL, drops the database. */
  destroy(): Promise<void>;
}

/**
 * A brand-new database for one test server: in-memory PGlite by default, or a new PostgreSQL
 * database on the server of `TEST_DATABASE_URL` (dropped afterwards). Empty, or with `migrated`
 * sets already applied (copied from a template made once; see migrated-template.ts).
 */
export async function createTestDatabase(url = process.env.TEST_DATABASE_URL, migrated?: MigrationSet[]): Promise<TestDatabase> {
  if (!url) {
    const loadDataDir = migrated ? await pgliteTemplate(migrated, blankDump) : await blankDump();
    const db = await openDatabase({ dataDir: 'memory://', loadDataDir });
    return { db, destroy: () => db.close() };
  }
  const name = `mpanel_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const template = migrated ? ` TEMPLATE ${await postgresTemplate(url, migrated)}` : '';
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await createDatabase(admin, `CREATE DATABASE ${name}${template}`);
    // The app role is the cluster's, and a test that migrates down (migrations.test.ts) takes its
    // LOGIN away; a server from a template runs no migration that gives it back.
    if (template) await admin.raw(`DO $$ BEGIN ALTER ROLE ${APP_ROLE} WITH LOGIN; EXCEPTION WHEN undefined_object THEN NULL; END $$`);
  } finally {
    await admin.destroy();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: target.toString() });
  return {
    db,
    async destroy() {
      await db.close();
      const cleanup = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
      try {
        await cleanup.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.destroy();
      }
    },
  };
}

/**
 * PostgreSQL refuses to copy a template while another session is connected to it (55006): another
 * process may be checking that the template exists at that moment. Such a wait is short.
 */
async function createDatabase(admin: knexFactory.Knex, statement: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.raw(statement);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, type Database } from '../db/connect.ts';

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
 * A brand-new, empty database for one test server: in-memory PGlite by default, or a new
 * PostgreSQL database on the server of `TEST_DATABASE_URL` (dropped afterwards).
 */
export async function createTestDatabase(url = process.env.TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!url) {
    const db = await openDatabase({ dataDir: 'memory://', loadDataDir: await blankDump() });
    return { db, destroy: () => db.close() };
  }
  const name = `mpanel_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
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

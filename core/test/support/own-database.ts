import { createTestDatabase } from '../../src/testing/database.ts';
import { tempDataDir } from './cli-process.ts';

export interface OwnDatabase {
  /** DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite) for loadConfig or a child `mpanel`. */
  env: { DATABASE_URL: string; DATA_DIR: string };
  remove(): Promise<void>;
}

/**
 * A fresh, empty database that a server or CLI process opens (and closes) itself, unlike
 * `createTestDatabase`, which hands over an open connection: with TEST_DATABASE_URL a new
 * PostgreSQL database, otherwise PGlite in a temporary DATA_DIR.
 */
export async function ownDatabase(): Promise<OwnDatabase> {
  const dataDir = tempDataDir();
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { env: { DATABASE_URL: '', DATA_DIR: dataDir.dir }, remove: async () => dataDir.remove() };

  const testDb = await createTestDatabase(base);
  const { rows } = (await testDb.db.knex.raw('select current_database() as name')) as { rows: Array<{ name: string }> };
  await testDb.db.close();
  const url = new URL(base);
  url.pathname = `/${rows[0]!.name}`;
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir.dir },
    async remove() {
      await testDb.destroy(); // drops the database (WITH FORCE, whoever is still connected)
      dataDir.remove();
    },
  };
}

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from './connect.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { migrationSetsKey } from './migration-key.ts';
import { migrateUp, type MigrationSet } from './migrator.ts';

/**
 * A first embedded start used to run PGlite's initdb (2–5 s, an 850 MB peak) and then every
 * migration of core and the plugins (3–6 s). Now it loads a dump of a data directory on which
 * exactly these migrations were already applied: a file in a cache keyed by PGlite's version and
 * the migration files (`migrationSetsKey`), built at `npm ci` (`prepare` runs `mpanel
 * db:template`) and otherwise by the first start that finds none: it dumps its own freshly
 * migrated directory, before any tenant is seeded. A changed or added migration is a new key, so a
 * stale dump is never loaded; a dump that fails to load is deleted and the start falls back to
 * initdb. The platform still runs its migrations afterwards and finds nothing pending.
 */

/** A dump is PGlite's own format: another PGlite version gets its own file. (package.json is not exported: found from the entry.) */
const PGLITE_VERSION: string = (JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Where the dumps live: MPANEL_CACHE_DIR, else `node_modules/.cache/mpanel` (removed with
 * node_modules, rebuilt by `npm ci`). Read at each call: tests point it at their own folder.
 */
export const dumpCacheDir = (): string => process.env.MPANEL_CACHE_DIR || fileURLToPath(new URL('../../../node_modules/.cache/mpanel', import.meta.url));

export function dumpFile(cacheDir: string, sets: MigrationSet[]): string {
  return join(cacheDir, `pglite-${PGLITE_VERSION}-${migrationSetsKey(sets)}.tar`);
}

/** A PostgreSQL data directory that was initialised (initdb ran, or a dump was loaded). */
export function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

export interface EmbeddedOpen {
  db: Database;
  /** How the directory came to be: opened as it was, loaded from a dump, or a fresh initdb. */
  origin: 'existing' | 'dump' | 'initdb';
  /**
   * After the migrations: an initdb start stores its directory as the dump for `sets` (when no
   * other process is writing it). Resolves whether it wrote the file.
   */
  remember(sets: MigrationSet[]): Promise<boolean>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** The migration sets the server will run (undefined: unknown, always initdb); asked only for a new directory. */
  sets: () => Promise<MigrationSet[] | undefined>;
  cacheDir?: string;
  warn?: (message: string) => void;
}

/** Opens the embedded database in `dataDir`, from the migrated dump when the directory is new. */
export async function openEmbedded(options: EmbeddedOptions): Promise<EmbeddedOpen> {
  const { dataDir, sets, cacheDir = dumpCacheDir(), warn = () => undefined } = options;
  const noop = async () => false;
  if (isInitialised(dataDir)) return { db: await openDatabase({ dataDir }), origin: 'existing', remember: noop };
  const predicted = await sets();
  const file = predicted && dumpFile(cacheDir, predicted);
  if (file && existsSync(file)) {
    try {
      const db = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(file)]) });
      return { db, origin: 'dump', remember: noop };
    } catch (err) {
      if (err instanceof DataDirLockedError) throw err;
      warn(`the migrated database dump ${file} could not be loaded (${err instanceof Error ? err.message : String(err)}): deleted, creating the database from scratch`);
      rmSync(file, { force: true });
      emptyDirectory(dataDir);
    }
  }
  const db = await openDatabase({ dataDir });
  return { db, origin: 'initdb', remember: (migrated) => writeDump(db, dumpFile(cacheDir, migrated), warn) };
}

/**
 * Stores `db`'s directory as `file`: written under a temporary name and renamed, so a reader never
 * sees half a dump, and under the data-directory lock of the file, so two first starts at once do
 * not both write it (the second leaves it to the first).
 */
export async function writeDump(db: Database, file: string, warn: (message: string) => void = () => undefined): Promise<boolean> {
  if (existsSync(file)) return false;
  let unlock: () => void;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    unlock = lockDataDir(file);
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) warn(`cannot write the migrated database dump ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    if (existsSync(file)) return false;
    // PGlite runs without synchronous commits: without a checkpoint the dump can miss the last writes.
    await db.knex.raw('CHECKPOINT');
    // Uncompressed: unpacking a gzip at every first start costs more than the disk it saves (~20 MB).
    const dump = await db.dumpDataDir!('none');
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
    return true;
  } catch (err) {
    rmSync(tmp, { force: true });
    warn(`cannot write the migrated database dump ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    unlock();
  }
}

/**
 * Builds the dump for `sets` (`mpanel db:template`, run by `prepare`): initdb and the migrations in
 * memory, then the dump. Returns the file, or undefined when it already existed.
 */
export async function buildDump(sets: MigrationSet[], cacheDir = dumpCacheDir()): Promise<string | undefined> {
  const file = dumpFile(cacheDir, sets);
  if (existsSync(file)) return undefined;
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    await migrateUp(db.knex, sets);
    const wrote = await writeDump(db, file, (message) => {
      throw new Error(message);
    });
    return wrote ? file : undefined;
  } finally {
    await db.close();
  }
}

/** A failed load may have unpacked part of the dump: initdb needs an empty directory. */
function emptyDirectory(dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

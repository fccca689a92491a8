import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from './connect.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { migrationSetsKey } from './migration-key.ts';
import { migrateUp, type MigrationSet } from './migrator.ts';
import { untarInto } from './untar.ts';

/**
 * A first embedded start used to run PGlite's initdb (2–5 s, an 850 MB peak) and then every
 * migration of core and the plugins (3–6 s). Now it loads a dump of a data directory on which
 * exactly these migrations were already applied: a file in a cache keyed by PGlite's version and
 * the migration files (`migrationSetsKey`), built at `npm ci` (`prepare` runs `mpanel
 * db:template`) and otherwise by the first start that finds none, before it opens its directory
 * (the plugins migrate late in a start, after the first tenant is seeded: a start's own directory
 * is never a clean template). The dump is unpacked into the new directory
 * (`untar.ts`), not given to PGlite's `loadDataDir`, which peaks ~200 MB higher. A changed or added migration is a new key, so a
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
  /**
   * How the directory came to be: opened as it was; unpacked from the cached dump; from a dump
   * this start built first (no dump for these migrations yet); or a plain initdb (no dump could be
   * had: another process is building it, or it failed), which the migrations then fill.
   */
  origin: 'existing' | 'dump' | 'built' | 'initdb';
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
  if (isInitialised(dataDir)) return { db: await openDatabase({ dataDir }), origin: 'existing' };
  const predicted = await sets();
  if (predicted) {
    const file = dumpFile(cacheDir, predicted);
    let built = false;
    if (!existsSync(file) && writable(cacheDir, warn)) {
      try {
        built = (await buildDump(predicted, cacheDir)) !== undefined;
      } catch (err) {
        warn(`cannot build the migrated database dump ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (existsSync(file)) {
      try {
        unpack(file, dataDir);
        return { db: await openDatabase({ dataDir }), origin: built ? 'built' : 'dump' };
      } catch (err) {
        if (err instanceof DataDirLockedError) throw err;
        warn(`the migrated database dump ${file} could not be loaded (${err instanceof Error ? err.message : String(err)}): deleted, creating the database from scratch`);
        rmSync(file, { force: true });
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  return { db: await openDatabase({ dataDir }), origin: 'initdb' };
}

/**
 * Stores `db`'s directory as `file`: written under a temporary name and renamed, so a reader never
 * sees half a dump, and under the data-directory lock of the file, so two first starts at once do
 * not both write it (the second leaves it to the first: false). Errors are thrown.
 */
export async function writeDump(db: Database, file: string): Promise<boolean> {
  if (existsSync(file)) return false;
  mkdirSync(dirname(file), { recursive: true });
  let unlock: () => void;
  try {
    unlock = lockDataDir(file);
  } catch (err) {
    if (err instanceof DataDirLockedError) return false;
    throw err;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    if (existsSync(file)) return false;
    // PGlite runs without synchronous commits: without a checkpoint the dump can miss the last writes.
    await db.knex.raw('CHECKPOINT');
    // Uncompressed: unpacked by streaming at every first start (see untar.ts).
    const dump = await db.dumpDataDir!('none');
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
    return true;
  } finally {
    rmSync(tmp, { force: true });
    unlock();
  }
}

/**
 * Builds the dump for `sets` (`mpanel db:template`, run by `prepare`; or a first start that finds
 * none): initdb and the migrations in memory, then the dump, before any tenant is seeded. Returns
 * the file, or undefined when it existed already or another process is writing it.
 */
export async function buildDump(sets: MigrationSet[], cacheDir = dumpCacheDir()): Promise<string | undefined> {
  const file = dumpFile(cacheDir, sets);
  if (existsSync(file)) return undefined;
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    await migrateUp(db.knex, sets);
    return (await writeDump(db, file)) ? file : undefined;
  } finally {
    await db.close();
  }
}

/**
 * Unpacks the dump beside `dataDir` and renames it into place, under the directory's lock: a
 * start that dies half-way leaves no directory that looks initialised, and two starts on one new
 * directory do not unpack into it together (the second is refused, as for any open).
 */
function unpack(file: string, dataDir: string): void {
  mkdirSync(dirname(dataDir), { recursive: true });
  const unlock = lockDataDir(dataDir);
  const tmp = `${dataDir}.unpack-${process.pid}`;
  try {
    rmSync(tmp, { recursive: true, force: true });
    untarInto(file, tmp);
    // Not initialised (checked by the caller), so nothing in it is a database: initdb would refuse it too.
    rmSync(dataDir, { recursive: true, force: true });
    renameSync(tmp, dataDir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    unlock();
  }
}

/** A cache it cannot write (a read-only image) is not worth a build it would then throw away. */
function writable(dir: string, warn: (message: string) => void): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch (err) {
    warn(`the migrated database cache ${dir} is not writable (${err instanceof Error ? err.message : String(err)}): creating the database from scratch; set MPANEL_CACHE_DIR or run "mpanel db:template" where it is`);
    return false;
  }
}

import type { Config } from '../config/config.ts';
import { pgliteDir, type Database } from '../db/connect.ts';
import type { DumpSource } from './dump.ts';
import type { RestoreTarget } from './restore.ts';

/** The open database as something to dump: PostgreSQL by URL (pg_dump), PGlite from inside. */
export function dumpSourceOf(db: Database): DumpSource {
  if (db.kind === 'postgres') return { kind: 'postgres', url: db.url! };
  return { kind: 'pglite', dumpDataDir: () => db.dumpDataDir!() };
}

export function restoreTargetOf(config: Pick<Config, 'databaseUrl' | 'dataDir'>): RestoreTarget {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dir: pgliteDir(config.dataDir) };
}

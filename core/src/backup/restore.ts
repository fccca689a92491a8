import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { APP_ROLE } from '@mpanel/sdk';
import { openDatabase } from '../db/connect.ts';
import { lockDataDir } from '../db/data-dir-lock.ts';
import { runTool } from './dump.ts';
import { sha256Of } from './manifest.ts';
import { readManifest, withTempDir, type BackupContext } from './backup-service.ts';
import { BackupError } from './backup-error.ts';

/** Where a backup is restored to: the configured PostgreSQL database or the PGlite directory. */
export type RestoreTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };

export interface RestoreOptions {
  /** Restore even when the keyring lacks keys the backup's secrets were sealed with. */
  force?: boolean;
}

/**
 * Checks before it changes anything: the manifest, the kind of database, the keyring (a backup
 * restored without its keys has secrets nobody can open), the checksum. Then PostgreSQL:
 * pg_restore in one transaction, replacing the objects in the dump; PGlite: the data directory is
 * replaced, the old one kept beside it until the new one opened.
 */
export async function restoreBackup(name: string, target: RestoreTarget, ctx: BackupContext, options: RestoreOptions = {}): Promise<void> {
  const manifest = await readManifest(ctx.store, name);
  if (manifest.kind !== target.kind) throw new BackupError(`${name} is a ${manifest.kind} backup; the configured database is ${target.kind}`);
  const missing = manifest.keyIds.filter((id) => !ctx.keyIds.includes(id));
  if (missing.length && !options.force) {
    throw new BackupError(`the keyring lacks key(s) ${missing.join(', ')} this backup's secrets are sealed with: set MPANEL_ENCRYPTION_KEYS to include them (or restore with --force and re-enter the secrets)`);
  }
  await withTempDir(async (dir) => {
    const file = join(dir, name);
    await ctx.store.get(name, file);
    if ((await sha256Of(file)) !== manifest.sha256) throw new BackupError(`${name} does not match its manifest's checksum: not restored`);
    if (target.kind === 'postgres') await restorePostgres(file, target.url);
    else await restorePglite(file, target.dir);
  });
}

async function restorePostgres(file: string, url: string): Promise<void> {
  // The grants and policies in the dump name the app role, which is cluster-wide, not in the dump.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DO $$ BEGIN CREATE ROLE ${APP_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  } finally {
    await client.end();
  }
  await runTool('pg_restore', ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--dbname', url, file]);
}

async function restorePglite(file: string, dir: string): Promise<void> {
  // Refused while a server holds the directory (its lock names the pid), before anything moves.
  lockDataDir(dir)();
  const aside = `${dir}.before-restore-${Date.now()}`;
  const had = existsSync(dir);
  if (had) await rename(dir, aside);
  try {
    const db = await openDatabase({ dataDir: dir, loadDataDir: new Blob([await readFile(file)]) });
    await db.knex.raw('select 1');
    await db.close();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (had) await rename(aside, dir);
    throw err;
  }
  if (had) await rm(aside, { recursive: true, force: true });
}

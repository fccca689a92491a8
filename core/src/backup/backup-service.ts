import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupStore } from './backup-store.ts';
import { BackupError } from './backup-error.ts';
import { dumpTo, EXTENSION, type DumpSource } from './dump.ts';
import { manifestName, parseManifest, sha256Of, type BackupManifest } from './manifest.ts';

export interface BackupContext {
  store: BackupStore;
  /** The keyring's key ids now (config.encryptionKeys). */
  keyIds: string[];
  version: string;
}

/** `20261207T051500123Z`: names sort by time. */
const stamp = (d: Date) => d.toISOString().replace(/[-:.]/g, '');

/** Runs `fn` with a private temporary directory, always removed. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mpanel-backup-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Dumps the database into the store: the dump first, then its manifest (a backup without a
 * manifest is incomplete and never listed or restored), then prunes to the newest `keep`.
 */
export async function createBackup(source: DumpSource, ctx: BackupContext, keep: number): Promise<BackupManifest> {
  const now = new Date();
  const name = `mpanel-${source.kind}-${stamp(now)}.${EXTENSION[source.kind]}`;
  const manifest = await withTempDir(async (dir) => {
    const file = join(dir, name);
    await dumpTo(file, source);
    const m: BackupManifest = { format: 1, name, kind: source.kind, createdAt: now.toISOString(), size: (await stat(file)).size, sha256: await sha256Of(file), mpanelVersion: ctx.version, keyIds: ctx.keyIds };
    await ctx.store.put(name, file);
    await writeFile(join(dir, manifestName(name)), `${JSON.stringify(m, null, 2)}\n`);
    await ctx.store.put(manifestName(name), join(dir, manifestName(name)));
    return m;
  });
  await pruneBackups(ctx.store, keep);
  return manifest;
}

/** Complete backups (those with a manifest), newest first. */
export async function listBackups(store: BackupStore): Promise<string[]> {
  const names = new Set((await store.list()).map((o) => o.name));
  return [...names].filter((n) => !n.endsWith('.json') && names.has(manifestName(n))).sort().reverse();
}

export async function readManifest(store: BackupStore, name: string): Promise<BackupManifest> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'manifest.json');
    await store.get(manifestName(name), file).catch((err: { code?: string; name?: string }) => {
      throw err.code === 'ENOENT' || err.name === 'NoSuchKey' ? new BackupError(`no backup named ${name} in ${store.where} (see mpanel backup:list)`) : err;
    });
    return parseManifest(await readFile(file, 'utf8'), name);
  });
}

/** Deletes the oldest complete backups beyond `keep` (dump and manifest). */
export async function pruneBackups(store: BackupStore, keep: number): Promise<string[]> {
  const old = (await listBackups(store)).slice(keep);
  for (const name of old) {
    // The manifest first: a crash in between leaves an incomplete backup, never a listed one without its dump.
    await store.delete(manifestName(name));
    await store.delete(name);
  }
  return old;
}

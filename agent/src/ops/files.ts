import { constants } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { OpError } from './types.ts';

export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes next to the target (a dot name no include glob matches) and renames: readers see the old or the new file, never half. */
export async function atomicWrite(path: string, content: string, mode = 0o644, owner?: { uid: number; gid: number }): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    if (owner) await chown(tmp, owner.uid, owner.gid);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Puts back what readIfExists() returned before a change: the old content, or no file. */
export async function restore(path: string, previous: string | null, mode = 0o644): Promise<void> {
  if (previous === null) await rm(path, { force: true });
  else await atomicWrite(path, previous, mode);
}

export async function ensureDir(path: string, mode: number, uid = 0, gid = 0): Promise<void> {
  await mkdir(path, { recursive: true, mode });
  await secureDir(path, mode, uid, gid);
}

/**
 * Sets owner and mode of a directory through a descriptor opened with O_NOFOLLOW, so a symlink a
 * customer planted in their own tree can never redirect root's chown/chmod elsewhere.
 */
export async function secureDir(path: string, mode: number, uid: number, gid: number): Promise<void> {
  const stat = await lstat(path);
  if (!stat.isDirectory()) throw new OpError('CONFLICT', `${path} is not a directory (a symlink or a file is in the way); remove it and retry`);
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await handle.chown(uid, gid);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

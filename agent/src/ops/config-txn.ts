import { atomicWrite, readIfExists, restore } from './files.ts';
import { withLock } from './lock.ts';
import { OpError } from './types.ts';

export interface FileChange { path: string; content: string | null; mode?: number }
export type Rollback = () => Promise<void>;

/** Applies, then reloads; a failed reload puts the previous files back. Returns whether anything changed. */
export async function applyAndReload(apply: () => Promise<Rollback | null>, reload: () => Promise<void>): Promise<boolean> {
  const rollback = await apply();
  if (!rollback) return false;
  try {
    await reload();
  } catch (error) {
    await rollback();
    throw error;
  }
  return true;
}

/**
 * Applies config files as one transaction against a service's validator: under the service's lock,
 * each file is written atomically (or removed), the whole config is validated, and on failure
 * every file gets its previous content back before the lock is released. Reloads take the same
 * lock, so the running service only ever loads a validated config.
 */
export async function applyConfig(lockKey: string, changes: FileChange[], validate: () => Promise<string | null>): Promise<Rollback | null> {
  return withLock(lockKey, async () => {
    const previous = await Promise.all(changes.map((c) => readIfExists(c.path)));
    if (changes.every((c, i) => c.content === previous[i])) return null;
    try {
      for (const c of changes) {
        if (c.content === null) await restore(c.path, null);
        else await atomicWrite(c.path, c.content, c.mode ?? 0o644);
      }
      const problem = await validate();
      if (problem !== null) throw new OpError('REMOTE_ERROR', problem, { retryable: false });
    } catch (error) {
      await Promise.all(changes.map((c, i) => restore(c.path, previous[i] ?? null, c.mode ?? 0o644)));
      throw error;
    }
    // When the reload that follows fails (service down), the files go back too: the retry then
    // sees a change again and reloads, instead of "nothing to do" with a config never loaded.
    return () => withLock(lockKey, async () => {
      await Promise.all(changes.map((c, i) => restore(c.path, previous[i] ?? null, c.mode ?? 0o644)));
    });
  });
}

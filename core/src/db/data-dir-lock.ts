import { closeSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Two processes on one embedded database each keep their own copy of it in memory, and whichever
 * writes last to disk silently drops the other's writes. A data directory is therefore opened by
 * one process at a time: the message is one line naming the process that holds it.
 */
export class DataDirLockedError extends Error {
  constructor(readonly dir: string, readonly holderPid: number) {
    super(`The data directory ${dir} is in use by another mPanel process (pid ${holderPid}): stop it first, or use its API; only one process at a time may open the embedded database`);
    this.name = 'DataDirLockedError';
  }
}

/** Lock files this process holds: a second open in the same process is refused too. */
const held = new Set<string>();

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/** Creates `file` holding our pid, atomically and complete (a hard link fails if the name exists). */
function tryCreate(file: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Takes the exclusive lock on `dir` (the file `<dir>.lock`, holding the pid). A lock left by a
 * process that is gone (killed, crashed) is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = resolve(dir);
  const file = `${path}.lock`;
  if (held.has(file)) throw new DataDirLockedError(path, process.pid);
  for (let attempt = 0; !tryCreate(file); attempt++) {
    const pid = holderOf(file);
    // The file is written complete before it appears, so an unreadable one is no live lock; our
    // own pid in a lock we do not hold is a previous container run that had the same pid.
    const stale = pid === undefined || pid === process.pid || !isAlive(pid);
    if (!stale || attempt > 2) throw new DataDirLockedError(path, pid ?? 0);
    rmSync(file, { force: true });
  }
  // Two processes taking over the same stale lock at once: only the one whose pid stayed wins.
  if (holderOf(file) !== process.pid) throw new DataDirLockedError(path, holderOf(file) ?? 0);
  held.add(file);
  const release = () => {
    process.off('exit', release);
    if (!held.delete(file)) return;
    if (holderOf(file) === process.pid) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return release;
}

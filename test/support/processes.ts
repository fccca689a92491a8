import { existsSync, readFileSync } from 'node:fs';

/**
 * Process helpers shared by the private service labs (hosting-lab.ts, mail-lab.ts): a required
 * binary, a daemon's pid from its pid file, waiting for it to come up, and stopping it.
 */

/** `bin` when installed; otherwise says which `.ci/services/<script>.sh` installs it. */
export function need(bin: string, script: string, what = bin): string {
  if (!existsSync(bin)) throw new Error(`${what} is not installed (run .ci/services/${script}.sh)`);
  return bin;
}

/** The pid a daemon wrote to `file`, or null when there is none (not started or already gone). */
export function pidOf(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** Polls `check` every 50 ms; throws after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends `signal`, gives the process 5 s to exit (a graceful stop), then SIGKILL. */
export async function killPid(pid: number | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!pid) return;
  try { process.kill(pid, signal); } catch { return; }
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

export const killByPidFile = (file: string, signal: NodeJS.Signals = 'SIGTERM') => killPid(pidOf(file), signal);

/**
 * In-process wake-ups: a job queued here wakes this process's long polls for its server, a result
 * received here wakes the call waiting for it. Other instances notice within the fallback check
 * interval (see POLL_CHECK_MS), since core offers plugins no NOTIFY channel yet.
 */
export class Wakeups {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Resolves when `key` is woken or after `ms` (or at once when the signal is aborted). */
  wait(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(key) ?? new Set();
      this.waiters.set(key, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      if (signal?.aborted) done();
      else signal?.addEventListener('abort', done, { once: true });
    });
  }

  wake(key: string): void {
    for (const done of [...(this.waiters.get(key) ?? [])]) done();
  }
}

export const serverKey = (serverId: string) => `server:${serverId}`;
export const jobKey = (jobId: string) => `job:${jobId}`;

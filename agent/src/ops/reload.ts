/**
 * Coalesced reloads: every caller gets a reload that reads the config after its request, but at
 * most one starts per interval; callers arriving before the queued one has begun reading the
 * config share it (20 sites changed at once → 1 reload).
 */
export class Coalescer {
  private last = 0;
  private queued: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  /** How many reloads actually ran (for tests and benchmarks). */
  count = 0;

  /** `action` calls `begin()` right before the service reads its config (e.g. once it holds the config lock). */
  constructor(private readonly intervalMs: number, public action: (begin: () => void) => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued) return this.queued;
    const start = async () => {
      await this.running?.catch(() => undefined);
      const wait = this.last + this.intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      let begun = false;
      const current = this.action(() => {
        begun = true;
        // From here on the config is being read: later changes need a later reload.
        if (this.queued === promise) this.queued = null;
        this.last = Date.now();
        this.count++;
      });
      this.running = current;
      try {
        await current;
      } finally {
        if (!begun && this.queued === promise) this.queued = null;
        if (this.running === current) this.running = null;
      }
    };
    const promise: Promise<void> = start();
    this.queued = promise;
    return promise;
  }
}

const coalescers = new Map<string, Coalescer>();

/** One coalescer per service instance (keyed by its config file), shared by all ops in this process. */
export function coalescer(key: string, action: (begin: () => void) => Promise<void>, intervalMs = 1000): Coalescer {
  let c = coalescers.get(key);
  if (!c) {
    c = new Coalescer(intervalMs, action);
    coalescers.set(key, c);
  }
  c.action = action; // the latest caller's env (same service, possibly a new reload hook)
  return c;
}

export const reloadCount = (key: string) => coalescers.get(key)?.count ?? 0;

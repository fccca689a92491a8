/**
 * Coalesced reloads: every caller gets a reload that starts after its request, but at most one runs
 * per interval; callers arriving while one is queued share it (20 sites changed at once → 1 reload).
 */
export class Coalescer {
  private last = 0;
  private queued: Promise<void> | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly intervalMs: number, private readonly action: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued) return this.queued;
    const start = async () => {
      await this.running?.catch(() => undefined);
      const wait = this.last + this.intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.queued = null; // later requests need a later reload: this one may already have read the config
      this.last = Date.now();
      const current = this.action();
      this.running = current;
      try {
        await current;
      } finally {
        if (this.running === current) this.running = null;
      }
    };
    const promise = start();
    this.queued = promise;
    return promise;
  }
}

const coalescers = new Map<string, Coalescer>();

/** One coalescer per service instance (keyed by its config file), shared by all ops in this process. */
export function coalescer(key: string, action: () => Promise<void>, intervalMs = 1000): Coalescer {
  let c = coalescers.get(key);
  if (!c) {
    c = new Coalescer(intervalMs, action);
    coalescers.set(key, c);
  }
  return c;
}

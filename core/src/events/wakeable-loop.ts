import { outsideExecution } from '../plugins/execution-scope.ts';

/**
 * Runs `work` when woken, never twice at once, and otherwise sleeps until the time `work` says
 * is next due (capped by `maxSleepMs`, the safety poll). No busy polling: a quiet system wakes
 * once per `maxSleepMs`.
 */
export class WakeableLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastEnd = 0;
  private deferred = false;
  /** Work a cycle started and did not wait for (tenant groups, webhook POSTs): idle and stop wait for it. */
  private readonly background = new Set<Promise<unknown>>();

  /**
   * `work` returns the next due time (ms epoch), or null when nothing is scheduled.
   * `minIntervalMs`: wake-ups within that time after a cycle are gathered into one cycle at its
   * end — under a stream of small commits each cycle then takes a batch instead of one item, for
   * at most that much extra latency.
   */
  constructor(
    private readonly work: () => Promise<number | null>,
    private readonly onError: (err: unknown) => void,
    private readonly maxSleepMs = 30_000,
    private readonly minIntervalMs = 0,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // A deferred cycle is already due: its timer runs it.
    if (this.deferred) return;
    const wait = this.lastEnd + this.minIntervalMs - Date.now();
    if (wait > 0) {
      this.deferred = true;
      clearTimeout(this.timer);
      // The flag is cleared before waking: a timer may fire a millisecond "early" by Date.now(),
      // and must then defer again rather than find the flag set and do nothing forever.
      this.timer = setTimeout(() => {
        this.deferred = false;
        this.wake();
      }, wait);
      this.timer.unref();
      return;
    }
    clearTimeout(this.timer);
    this.running = outsideExecution(() => this.cycle()).finally(() => {
      this.running = undefined;
      this.lastEnd = Date.now();
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async cycle(): Promise<void> {
    let next: number | null = null;
    try {
      next = await this.work();
    } catch (err) {
      this.onError(err);
      next = Date.now() + 1000;
    }
    if (this.stopped) return;
    const delay = Math.min(this.maxSleepMs, Math.max(0, (next ?? Infinity) - Date.now()));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  /**
   * Counts `work` that runs beyond the cycle that started it (so a slot is refilled as soon as it
   * frees, not when the slowest of a batch ends). It must not reject; it usually wakes the loop
   * when done.
   */
  track(work: Promise<unknown>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** How many tracked pieces of work are still running. */
  get inFlight(): number {
    return this.background.size;
  }

  /** Waits for the current cycle and the work it started, then stays asleep. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deferred = false;
    clearTimeout(this.timer);
    await this.running;
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  /** Resolves when no cycle and none of the work it started is running (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running || this.deferred || this.background.size) {
      if (this.running) await this.running;
      else if (this.background.size) await Promise.allSettled([...this.background]);
      else await new Promise((r) => setTimeout(r, Math.max(1, this.lastEnd + this.minIntervalMs - Date.now())));
    }
  }
}

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

  /** `work` returns the next due time (ms epoch), or null when nothing is scheduled. */
  constructor(
    private readonly work: () => Promise<number | null>,
    private readonly onError: (err: unknown) => void,
    private readonly maxSleepMs = 30_000,
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
    clearTimeout(this.timer);
    this.running = outsideExecution(() => this.cycle()).finally(() => {
      this.running = undefined;
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

  /** Waits for the current cycle, then stays asleep. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves when no cycle is running (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

import type { RunStore } from './run-store.ts';

export class StepInterrupted extends Error {}

/**
 * A worker's hold on one run: a heartbeat extends `lease_until` while the run is worked on. When
 * the heartbeat finds the lease gone (the worker stalled past it and another took the run) or a
 * cancel asked for, the step in flight is interrupted through `interrupt`.
 */
export class Lease {
  held = true;
  cancelRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private current = new AbortController();
  private stopped = false;

  constructor(private readonly store: RunStore, readonly runId: string, readonly owner: string, private readonly leaseMs: number, private readonly heartbeatMs: number) {}

  start(): void {
    const beat = async () => {
      if (this.stopped) return;
      try {
        const { held, cancelRequested } = await this.store.heartbeat(this.runId, this.owner, this.leaseMs);
        this.held = held;
        this.cancelRequested = cancelRequested;
        if (!held) this.interrupt('the run\'s lease was lost');
        else if (cancelRequested) this.interrupt('the run was cancelled');
      } catch {
        // A failed heartbeat is retried on the next beat; the lease lasts several beats.
      }
      if (!this.stopped && this.held) this.timer = setTimeout(() => void beat(), this.heartbeatMs).unref();
    };
    this.timer = setTimeout(() => void beat(), this.heartbeatMs).unref();
  }

  /** A fresh signal for the next step try. */
  stepSignal(): AbortSignal {
    this.current = new AbortController();
    return this.current.signal;
  }

  interrupt(reason: string): void {
    this.current.abort(new StepInterrupted(reason));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

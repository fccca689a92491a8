import { HEARTBEATS_PER_LEASE } from './job-settings.ts';

export class JobTimeoutError extends Error {
  constructor(ms: number) {
    super(`job timed out after ${ms} ms`);
    this.name = 'JobTimeoutError';
  }
}

export class LeaseLostError extends Error {
  constructor(why: string) {
    super(`job lease lost: ${why}`);
    this.name = 'LeaseLostError';
  }
}

export interface JobLeaseOptions {
  leaseMs: number;
  timeoutMs?: number | undefined;
  /** Extends the lease by `leaseMs`; false when the job is no longer this worker's. Absent: the backend renews it. */
  renew?: (() => Promise<boolean>) | undefined;
  onRenewError?: (err: unknown) => void;
}

/**
 * One run's hold on its job: renews the lease every third of it while the handler runs, and
 * aborts the run's signal when it must stop — the timeout passed, the lease was lost (renewal
 * refused, or not confirmed before the lease ran out), or the worker gave the run up.
 */
export class JobLease {
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private heldUntil: number;
  private renewing = false;
  /** The worker gave this run up (stop past its grace): it must write nothing about the job any more. */
  abandoned = false;

  constructor(private readonly options: JobLeaseOptions) {
    this.heldUntil = Date.now() + options.leaseMs;
    if (options.renew) this.every(Math.max(1, Math.floor(options.leaseMs / HEARTBEATS_PER_LEASE)), () => void this.heartbeat());
    if (options.timeoutMs) this.after(options.timeoutMs, () => this.abort(new JobTimeoutError(options.timeoutMs!)));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Rejects with the abort reason once the signal fires: raced against the handler. */
  aborted(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.signal.aborted) reject(this.signal.reason);
      else this.signal.addEventListener('abort', () => reject(this.signal.reason), { once: true });
    });
  }

  abort(reason: Error): void {
    if (!this.signal.aborted) this.controller.abort(reason);
    this.end();
  }

  /** Stops renewing without releasing anything: the lease runs out by itself (a worker that is gone). */
  abandon(): void {
    this.abandoned = true;
    this.abort(new LeaseLostError('the worker stopped before the job ended'));
  }

  end(): void {
    for (const t of this.timers.splice(0)) clearTimeout(t);
  }

  private async heartbeat(): Promise<void> {
    if (this.renewing || this.signal.aborted) return;
    this.renewing = true;
    const started = Date.now();
    try {
      if (await this.options.renew!()) this.heldUntil = started + this.options.leaseMs;
      else this.abort(new LeaseLostError('another worker owns the job'));
    } catch (err) {
      this.options.onRenewError?.(err);
      // Not confirmed: once the last confirmed lease has run out another worker may have the job.
      if (Date.now() >= this.heldUntil) this.abort(new LeaseLostError('the lease could not be renewed in time'));
    } finally {
      this.renewing = false;
    }
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}
